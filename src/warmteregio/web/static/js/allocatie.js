/*
 * Allocation maps (issue 5): Leaflet in RD New (EPSG:28992, Proj4Leaflet, the PDOK tile grid) like regiokaart.js.
 * Every element with class wr-allocatie-kaart gets a map drawn from its data attributes:
 *   data-geojson-url  GeoJSON (CRS84) of the run: features with properties.soort "buurt", "bron" or "leiding";
 *   data-kleuren      {source code: palette index}, the same as the legend and the tables (server-side);
 *   data-gestreept    [source codes] drawn with a dashed outline (palette repeats beyond ten sources);
 *   data-gewijzigd    [buurt codes] whose assignment differs from the other run (comparison: thick outline).
 * Buurten are filled in the colour of their source (individual: light grey, dashed outline); sources are circles,
 * transport lines dashed in the source's colour. Tooltips say the source, kind and cost in text, so colour is
 * never the only channel; the tables on the page hold the same data.
 * Maps inside the htmx-polled progress fragment appear when the run finishes: they are initialised on load and
 * after every htmx swap. When done the element gets data-kaart-status="klaar" (or "fout") and counts.
 */
(function () {
  "use strict";

  var RD_PROJ4 =
    "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 " +
    "+ellps=bessel +units=m +towgs84=565.2369,50.0087,465.658,-0.406857330322398,0.350732676542563," +
    "-1.8703473836068,4.0812 +no_defs";
  var RD_RESOLUTIONS = [3440.64, 1720.32, 860.16, 430.08, 215.04, 107.52, 53.76, 26.88, 13.44, 6.72, 3.36, 1.68, 0.84, 0.42];
  var RD_ORIGIN = [-285401.92, 903401.92];
  var crs = null;

  function rdCrs() {
    if (!crs) {
      crs = new L.Proj.CRS("EPSG:28992", RD_PROJ4, {
        resolutions: RD_RESOLUTIONS,
        origin: RD_ORIGIN,
        bounds: L.bounds([-285401.92, 903401.92], [595401.92, 22598.08]),
      });
    }
    return crs;
  }

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function format(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] !== undefined ? values[key] : "";
    });
  }

  function json(el, name, fallback) {
    try {
      return JSON.parse(el.getAttribute(name) || "");
    } catch (e) {
      return fallback;
    }
  }

  function statusElement(el) {
    var layout = el.closest(".wr-map-layout") || el.closest("section");
    return layout ? layout.querySelector(".wr-map__status") : null;
  }

  function draw(el) {
    el.setAttribute("data-kaart-status", "laden");
    var texts = json(el, "data-teksten", {});
    var colours = json(el, "data-kleuren", {});
    var dashed = json(el, "data-gestreept", []);
    var changed = {};
    json(el, "data-gewijzigd", []).forEach(function (code) {
      changed[code] = true;
    });
    var status = statusElement(el);
    var lang = document.documentElement.lang === "en" ? "en-GB" : "nl-NL";
    var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
    var style = window.getComputedStyle(el);

    function token(name, fallback) {
      var value = style.getPropertyValue(name).trim();
      return value || fallback;
    }

    function fmt(value, unit) {
      if (value === null || value === undefined || !isFinite(value)) {
        return texts.onbekend;
      }
      return number.format(value) + (unit ? " " + unit : "");
    }

    function colour(code) {
      if (!code || colours[code] === undefined) {
        return token("--wr-allocatie-individueel", "#dddddd");
      }
      return token("--wr-allocatie-bron-" + colours[code], "#888888");
    }

    function setStatus(text) {
      if (status) {
        status.textContent = text;
      }
    }

    var map = L.map(el, { crs: rdCrs(), center: [51.8, 4.7], zoom: 5, minZoom: 0, maxZoom: RD_RESOLUTIONS.length - 1 });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var basemap = L.tileLayer(el.getAttribute("data-basemap-url"), {
      minZoom: 0,
      maxZoom: RD_RESOLUTIONS.length - 1,
      attribution: escapeHtml(texts.kadaster),
    });
    var kadaster = document.getElementById("wr-kadaster-attributie");
    map.on("layeradd", function (event) {
      if (event.layer === basemap && kadaster) {
        kadaster.hidden = false;
      }
    });
    if (el.getAttribute("data-basemap-aan") === "ja") {
      basemap.addTo(map);
    }

    function buurtText(p) {
      var source = p.bronCode ? escapeHtml((p.bronNaam || p.bronCode) + " (" + p.bronCode + ")") : escapeHtml(texts.individueel);
      return (
        '<span class="wr-map__tooltip-title">' + escapeHtml(p.naam || p.code) + "</span> (" + escapeHtml(p.code) + ")" +
        "<br>" + escapeHtml(texts.bron) + ": " + source +
        "<br>" + escapeHtml(texts.soort) + ": " + escapeHtml(p.netSoort) +
        "<br>" + escapeHtml(texts.kosten) + ": " + fmt(p.kostenEurJr, texts.eurJaar) +
        (p.afstandM ? "<br>" + escapeHtml(texts.afstand) + ": " + fmt(p.afstandM, "m") : "") +
        (changed[p.code] ? "<br><strong>" + escapeHtml(texts.gewijzigd) + "</strong>" : "")
      );
    }

    function sourceText(p) {
      return (
        '<span class="wr-map__tooltip-title">' + escapeHtml(p.naam || p.code) + "</span> (" + escapeHtml(p.code) + ")" +
        "<br>" + escapeHtml(texts.aangesloten) + ": " + fmt(p.aantalBuurten) +
        "<br>" + escapeHtml(texts.gebruik) + ": " + fmt(p.gebruikGj, texts.gjJaar) +
        "<br>" + escapeHtml(texts.beschikbaar) + ": " + fmt(p.beschikbaarGj, texts.gjJaar)
      );
    }

    fetch(el.getAttribute("data-geojson-url"), {
      headers: { Accept: "application/geo+json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        var features = collection.features || [];
        function only(kind) {
          return { type: "FeatureCollection", features: features.filter(function (f) { return f.properties.soort === kind; }) };
        }
        var buurten = L.geoJSON(only("buurt"), {
          style: function (feature) {
            var p = feature.properties;
            var isChanged = !!changed[p.code];
            return {
              color: isChanged ? token("--wr-allocatie-gewijzigd-rand", "#000") : token("--wr-allocatie-rand", "#4d4d4d"),
              weight: isChanged ? 4 : 1,
              fillColor: colour(p.bronCode),
              fillOpacity: 0.7,
              dashArray: !p.bronCode || dashed.indexOf(p.bronCode) >= 0 ? "4 3" : null,
            };
          },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 5 });
          },
          onEachFeature: function (feature, layer) {
            layer.bindTooltip(buurtText(feature.properties), { sticky: true });
            layer.bindPopup(buurtText(feature.properties));
          },
        });
        var leidingen = L.geoJSON(only("leiding"), {
          interactive: false,
          style: function (feature) {
            return { color: colour(feature.properties.bronCode), weight: 2, opacity: 0.9, dashArray: "6 4" };
          },
        });
        var bronnen = L.geoJSON(only("bron"), {
          pointToLayer: function (feature, latlng) {
            var p = feature.properties;
            return L.circleMarker(latlng, {
              radius: 9,
              weight: 3,
              color: token("--wr-allocatie-rand", "#4d4d4d"),
              fillColor: colour(p.code),
              fillOpacity: p.aantalBuurten ? 0.95 : 0.3,
            });
          },
          onEachFeature: function (feature, layer) {
            layer.bindTooltip(sourceText(feature.properties));
            layer.bindPopup(sourceText(feature.properties));
          },
        });
        buurten.addTo(map);
        leidingen.addTo(map);
        bronnen.addTo(map);
        var overlays = {};
        overlays[escapeHtml(texts.achtergrond)] = basemap;
        overlays[escapeHtml(texts.buurten)] = buurten;
        overlays[escapeHtml(texts.leidingen)] = leidingen;
        overlays[escapeHtml(texts.bronnen)] = bronnen;
        L.control.layers(null, overlays, { collapsed: false }).addTo(map);
        L.control.scale({ imperial: false }).addTo(map);
        // the region's buurten (and their transport lines) frame the map; sources farther away stay reachable by
        // zooming out. Without buurten: the sources.
        var bounds = buurten.getBounds();
        if (bounds.isValid() && leidingen.getLayers().length) {
          bounds = bounds.extend(leidingen.getBounds());
        }
        if (!bounds.isValid() && bronnen.getLayers().length) {
          bounds = bronnen.getBounds();
        }
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [10, 10], animate: false });
        }
        var nBuurten = buurten.getLayers().length;
        var nBronnen = bronnen.getLayers().length;
        el.setAttribute("data-buurten-getekend", String(nBuurten));
        el.setAttribute("data-bronnen-getekend", String(nBronnen));
        el.setAttribute("data-leidingen-getekend", String(leidingen.getLayers().length));
        el.setAttribute("data-kaart-status", "klaar");
        setStatus(format(texts.klaar, { buurten: nBuurten, bronnen: nBronnen }));
      })
      .catch(function (error) {
        el.setAttribute("data-kaart-status", "fout");
        setStatus(texts.fout);
        if (window.console) {
          window.console.error(error);
        }
      });
  }

  function init() {
    if (!window.L || !L.Proj || !window.fetch) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll(".wr-allocatie-kaart"), function (el) {
      if (!el.getAttribute("data-kaart-status")) {
        draw(el);
      }
    });
  }

  init();
  document.body.addEventListener("htmx:afterSettle", init);
})();
