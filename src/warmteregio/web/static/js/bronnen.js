/*
 * Heat-source registry maps: Leaflet in RD New (EPSG:28992) through Proj4Leaflet with the PDOK tile grid, as on
 * the region map. Two containers are handled:
 *  - #wr-bronnenkaart (registry page): the sources of a region as circle markers with fill and outline (colour +
 *    dash pattern) per temperature class, from the GeoJSON API URL in data-bronnen-url, plus the gemeente outlines;
 *    when done the container gets data-bronnen-getekend (count) and data-kaart-status="klaar" (or "fout").
 *  - #wr-bronkaart (source page): one pin at data-x/data-y (RD New), data-kaart-status="klaar".
 * Tooltips and popups give the figures in text, so colour is never the only channel; the table on the page holds
 * the same data.
 */
(function () {
  "use strict";

  var RD_PROJ4 =
    "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 " +
    "+ellps=bessel +units=m +towgs84=565.2369,50.0087,465.658,-0.406857330322398,0.350732676542563," +
    "-1.8703473836068,4.0812 +no_defs";
  var RD_RESOLUTIONS = [3440.64, 1720.32, 860.16, 430.08, 215.04, 107.52, 53.76, 26.88, 13.44, 6.72, 3.36, 1.68, 0.84, 0.42];
  var RD_ORIGIN = [-285401.92, 903401.92];

  if (!window.L || !L.Proj) {
    return;
  }

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function makeMap(el, texts) {
    var crs = new L.Proj.CRS("EPSG:28992", RD_PROJ4, {
      resolutions: RD_RESOLUTIONS,
      origin: RD_ORIGIN,
      bounds: L.bounds([-285401.92, 903401.92], [595401.92, 22598.08]),
    });
    var map = L.map(el, { crs: crs, center: [52.1, 5.3], zoom: 3, minZoom: 0, maxZoom: RD_RESOLUTIONS.length - 1 });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var kadaster = document.getElementById("wr-kadaster-attributie");
    var basemap = L.tileLayer(el.getAttribute("data-basemap-url"), {
      minZoom: 0,
      maxZoom: RD_RESOLUTIONS.length - 1,
      attribution: escapeHtml(texts.kadaster),
    });
    map.on("layeradd", function (event) {
      if (event.layer === basemap && kadaster) {
        kadaster.hidden = false;
      }
    });
    map.on("layerremove", function (event) {
      if (event.layer === basemap && kadaster) {
        kadaster.hidden = true;
      }
    });
    if (el.getAttribute("data-basemap-aan") === "ja") {
      basemap.addTo(map);
    }
    return { map: map, crs: crs, basemap: basemap };
  }

  function sourceStyle(el, klasse) {
    var style = window.getComputedStyle(el);
    function token(name, fallback) {
      var value = style.getPropertyValue(name).trim();
      return value || fallback;
    }
    var k = String(klasse || "").toLowerCase();
    if (["ht", "mt", "lt", "zlt"].indexOf(k) < 0) {
      k = "ht";
    }
    var dash = token("--wr-map-bron-" + k + "-dash", "none");
    return {
      radius: 9,
      weight: 3,
      color: token("--wr-map-bron-" + k + "-stroke", "#000"),
      fillColor: token("--wr-map-bron-" + k + "-fill", "#fff"),
      fillOpacity: 0.95,
      dashArray: dash === "none" ? null : dash,
    };
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" }).then(
      function (response) {
        if (!response.ok) {
          throw new Error(url + ": HTTP " + response.status);
        }
        return response.json();
      }
    );
  }

  function registryMap(el) {
    var texts = JSON.parse(el.getAttribute("data-teksten") || "{}");
    var status = document.getElementById("wr-kaart-status");
    var lang = document.documentElement.lang === "en" ? "en-GB" : "nl-NL";
    var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
    function setStatus(text) {
      if (status) {
        status.textContent = text;
      }
    }
    function fmt(value, unit) {
      if (value === null || value === undefined || !isFinite(value)) {
        return texts.onbekend;
      }
      return number.format(value) + (unit ? " " + unit : "");
    }
    function tooltip(p) {
      return (
        '<span class="wr-map__tooltip-title">' + escapeHtml(p.naam) + "</span> (" + escapeHtml(p.code) + ")" +
        "<br>" + escapeHtml(texts.categorie) + ": " + escapeHtml(p.categorie) +
        "<br>" + escapeHtml(texts.temperatuur) + ": " + escapeHtml(p.temperatuurklasse) +
        "<br>" + escapeHtml(texts.status) + ": " + escapeHtml(p.status) +
        "<br>" + escapeHtml(texts.beschikbaar) + ": " + fmt(p.beschikbaarGjPerJaar, texts.gjJaar)
      );
    }
    var made = makeMap(el, texts);
    setStatus(texts.laden);
    Promise.all([getJson(el.getAttribute("data-bronnen-url")), getJson(el.getAttribute("data-gemeenten-url"))])
      .then(function (results) {
        var gemeenten = L.geoJSON(results[1], {
          interactive: false,
          style: function () {
            return { color: "#1a1a1a", weight: 2.5, fill: false };
          },
        });
        var bronnen = L.geoJSON(results[0], {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, sourceStyle(el, feature.properties.temperatuurklasse));
          },
          onEachFeature: function (feature, layer) {
            var p = feature.properties;
            layer.bindTooltip(tooltip(p));
            layer.bindPopup(
              tooltip(p) + '<br><a href="/bronnen/' + encodeURIComponent(p.code) + '">' + escapeHtml(texts.meer) + "</a>"
            );
          },
        });
        gemeenten.addTo(made.map);
        bronnen.addTo(made.map);
        var overlays = {};
        overlays[escapeHtml(texts.achtergrond)] = made.basemap;
        overlays[escapeHtml(texts.gemeenten)] = gemeenten;
        overlays[escapeHtml(texts.bronnen)] = bronnen;
        L.control.layers(null, overlays, { collapsed: false }).addTo(made.map);
        L.control.scale({ imperial: false }).addTo(made.map);
        var bounds = gemeenten.getBounds();
        if (bronnen.getLayers().length) {
          bounds = bounds.isValid() ? bounds.extend(bronnen.getBounds()) : bronnen.getBounds();
        }
        if (bounds.isValid()) {
          made.map.fitBounds(bounds, { padding: [10, 10], animate: false, maxZoom: 10 });
        }
        var n = bronnen.getLayers().length;
        el.setAttribute("data-bronnen-getekend", String(n));
        el.setAttribute("data-kaart-status", "klaar");
        setStatus(texts.klaar.replace("%(bronnen)s", String(n)));
      })
      .catch(function (error) {
        el.setAttribute("data-kaart-status", "fout");
        setStatus(texts.fout);
        if (window.console) {
          window.console.error(error);
        }
      });
  }

  function pinMap(el) {
    var texts = JSON.parse(el.getAttribute("data-teksten") || "{}");
    var made = makeMap(el, texts);
    var x = parseFloat(el.getAttribute("data-x"));
    var y = parseFloat(el.getAttribute("data-y"));
    if (!isFinite(x) || !isFinite(y)) {
      el.setAttribute("data-kaart-status", "fout");
      return;
    }
    var latlng = made.crs.unproject(L.point(x, y));
    L.circleMarker(latlng, sourceStyle(el, el.getAttribute("data-klasse")))
      .bindTooltip(escapeHtml(el.getAttribute("data-naam")))
      .addTo(made.map);
    L.control.scale({ imperial: false }).addTo(made.map);
    made.map.setView(latlng, 9, { animate: false });
    el.setAttribute("data-kaart-status", "klaar");
  }

  var registry = document.getElementById("wr-bronnenkaart");
  if (registry && window.fetch) {
    registryMap(registry);
  }
  var pin = document.getElementById("wr-bronkaart");
  if (pin) {
    pinMap(pin);
  }
})();
