/*
 * Region map: Leaflet in RD New (EPSG:28992) through Proj4Leaflet, following the Dutch tiling guideline
 * (PDOK tile grid). Layers are fetched as GeoJSON (CRS84) from the URLs in the container's data attributes:
 * buurten coloured by heat-demand density, heat sources as circle markers with a distinct outline per
 * temperature class, gemeente boundaries as outlines, and the optional PDOK BRT base map (off by default).
 *
 * When done, the container gets data-buurten-getekend / data-bronnen-getekend (counts) and
 * data-kaart-status="klaar" (or "fout"), and the status text below the legend is updated.
 *
 * When the region has an assessment (data-kosten-url), the lowest-cost variant per buurt is fetched too and the
 * radio buttons in the legend recolour the buurten by heat-demand density, by the strategy family of the
 * lowest-cost variant (categorical) or by its H18 (sequential classes). Tooltips and popups name the variant
 * and H18 in text, so colour is never the only channel. Then the container gets data-kosten-status="klaar".
 */
(function () {
  "use strict";

  var RD_PROJ4 =
    "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 " +
    "+ellps=bessel +units=m +towgs84=565.2369,50.0087,465.658,-0.406857330322398,0.350732676542563," +
    "-1.8703473836068,4.0812 +no_defs";
  var RD_RESOLUTIONS = [3440.64, 1720.32, 860.16, 430.08, 215.04, 107.52, 53.76, 26.88, 13.44, 6.72, 3.36, 1.68, 0.84, 0.42];
  var RD_ORIGIN = [-285401.92, 903401.92];

  var el = document.getElementById("wr-kaart");
  if (!el || !window.L || !L.Proj || !window.fetch) {
    return;
  }
  var texts = JSON.parse(el.getAttribute("data-teksten") || "{}");
  var classes = JSON.parse(el.getAttribute("data-klassen") || "[]");
  var status = document.getElementById("wr-kaart-status");
  var lang = document.documentElement.lang === "en" ? "en-GB" : "nl-NL";
  var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  var style = window.getComputedStyle(el);

  function token(name, fallback) {
    var value = style.getPropertyValue(name).trim();
    return value || fallback;
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] !== undefined ? values[key] : "";
    });
  }

  function setStatus(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function fmt(value, unit) {
    if (value === null || value === undefined || !isFinite(value)) {
      return texts.onbekend;
    }
    return number.format(value) + (unit ? " " + unit : "");
  }

  function densityClass(value) {
    if (value === null || value === undefined || !isFinite(value)) {
      return null;
    }
    var index = 0;
    for (var i = 0; i < classes.length; i++) {
      if (value >= classes[i]) {
        index = i;
      }
    }
    return index;
  }

  var crs = new L.Proj.CRS("EPSG:28992", RD_PROJ4, {
    resolutions: RD_RESOLUTIONS,
    origin: RD_ORIGIN,
    bounds: L.bounds([-285401.92, 903401.92], [595401.92, 22598.08]),
  });

  var map = L.map(el, {
    crs: crs,
    center: [52.1, 5.3],
    zoom: 3,
    minZoom: 0,
    maxZoom: RD_RESOLUTIONS.length - 1,
  });
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

  function buurtStyle(feature) {
    var k = densityClass(feature.properties.warmtevraagdichtheidGjPerHa);
    var fill = k === null ? token("--wr-map-klasse-onbekend", "#d9d9d9") : token("--wr-map-klasse-" + k, "#fd8d3c");
    return {
      color: token("--wr-map-buurt-rand", "#4d4d4d"),
      weight: 1,
      fillOpacity: 0.75,
      fillColor: mode === "dichtheid" ? fill : costFill(feature.properties.code),
      dashArray: feature.properties.schematisch ? "4 3" : null,
    };
  }

  var costUrl = el.getAttribute("data-kosten-url") || "";
  var h18Bounds = JSON.parse(el.getAttribute("data-h18-grenzen") || "[]");
  var familyNames = JSON.parse(el.getAttribute("data-familie-namen") || "{}");
  var costs = {};
  var mode = "dichtheid";

  function h18Class(value) {
    if (value === null || value === undefined || !isFinite(value)) {
      return null;
    }
    var index = 0;
    for (var i = 0; i < h18Bounds.length; i++) {
      if (value >= h18Bounds[i]) {
        index = i + 1;
      }
    }
    return index;
  }

  function costFill(code) {
    var c = costs[code];
    var unknown = token("--wr-map-klasse-onbekend", "#d9d9d9");
    if (mode === "variant") {
      return c && c.familie ? token("--wr-map-familie-" + String(c.familie).toLowerCase(), unknown) : unknown;
    }
    var k = c ? h18Class(c.h18NatMeerkostWeq) : null;
    return k === null ? unknown : token("--wr-map-h18-" + k, unknown);
  }

  function costText(code) {
    var c = costs[code];
    if (!c || !c.strategie) {
      return "<br>" + escapeHtml(texts.laagsteVariant) + ": " + escapeHtml(texts.geenVariant);
    }
    var family = familyNames[c.familie] ? " (" + escapeHtml(c.familie + ": " + familyNames[c.familie]) + ")" : "";
    return (
      "<br>" + escapeHtml(texts.laagsteVariant) + ": " + escapeHtml(c.strategie) + family +
      "<br>" + escapeHtml(texts.h18) + ": " + fmt(c.h18NatMeerkostWeq, texts.eurWeq)
    );
  }

  function buurtTooltip(p) {
    return (
      '<span class="wr-map__tooltip-title">' + escapeHtml(p.naam || p.code) + "</span> (" + escapeHtml(p.code) + ")" +
      (p.schematisch ? " – " + escapeHtml(texts.schematisch) : "") +
      "<br>" + escapeHtml(texts.dichtheid) + ": " + fmt(p.warmtevraagdichtheidGjPerHa, texts.gjHa) +
      "<br>" + escapeHtml(texts.vraag) + ": " + fmt(p.vraagTotaalGj, texts.gjJaar) +
      "<br>" + escapeHtml(texts.weq) + ": " + fmt(p.weq) +
      (mode !== "dichtheid" ? costText(p.code) : "")
    );
  }

  function sourceStyle(klasse) {
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

  function sourceTooltip(p) {
    return (
      '<span class="wr-map__tooltip-title">' + escapeHtml(p.naam) + "</span> (" + escapeHtml(p.code) + ")" +
      "<br>" + escapeHtml(texts.categorie) + ": " + escapeHtml(p.categorie) +
      "<br>" + escapeHtml(texts.temperatuur) + ": " + escapeHtml(p.temperatuurklasse) +
      "<br>" + escapeHtml(texts.beschikbaar) + ": " + fmt(p.beschikbaarGjPerJaar, texts.gjJaar)
    );
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

  function showLegend(which) {
    ["dichtheid", "variant", "h18"].forEach(function (name) {
      var block = document.getElementById("wr-legenda-" + name);
      if (block) {
        block.hidden = name !== which;
      }
    });
  }

  function loadCosts(buurten) {
    var choice = document.getElementById("wr-kaartlaag");
    getJson(costUrl)
      .then(function (collection) {
        (collection.features || []).forEach(function (f) {
          costs[f.properties.code] = f.properties;
        });
        if (!choice) {
          return;
        }
        choice.hidden = false;
        choice.addEventListener("change", function (event) {
          if (!event.target || event.target.name !== "kaartlaag") {
            return;
          }
          mode = event.target.value;
          buurten.setStyle(buurtStyle);
          buurten.eachLayer(function (layer) {
            var p = layer.feature.properties;
            layer.setTooltipContent(buurtTooltip(p));
            layer.setPopupContent(
              buurtTooltip(p) + '<br><a href="/buurt/' + encodeURIComponent(p.code) + '">' + escapeHtml(texts.meer) + "</a>"
            );
          });
          showLegend(mode);
          el.setAttribute("data-kaartlaag", mode);
        });
        el.setAttribute("data-kosten-status", "klaar");
      })
      .catch(function (error) {
        el.setAttribute("data-kosten-status", "fout");
        setStatus(texts.kostenFout);
        if (window.console) {
          window.console.error(error);
        }
      });
  }

  setStatus(texts.laden);
  Promise.all([
    getJson(el.getAttribute("data-buurten-url")),
    getJson(el.getAttribute("data-bronnen-url")),
    getJson(el.getAttribute("data-gemeenten-url")),
  ])
    .then(function (results) {
      var buurten = L.geoJSON(results[0], {
        style: buurtStyle,
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          layer.bindTooltip(buurtTooltip(p), { sticky: true });
          layer.bindPopup(
            buurtTooltip(p) +
              '<br><a href="/buurt/' + encodeURIComponent(p.code) + '">' + escapeHtml(texts.meer) + "</a>"
          );
        },
      });
      var gemeenten = L.geoJSON(results[2], {
        interactive: false,
        style: function () {
          return { color: token("--wr-map-gemeente-rand", "#1a1a1a"), weight: 2.5, fill: false };
        },
      });
      var bronnen = L.geoJSON(results[1], {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, sourceStyle(feature.properties.temperatuurklasse));
        },
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(sourceTooltip(feature.properties));
          layer.bindPopup(sourceTooltip(feature.properties));
        },
      });
      buurten.addTo(map);
      gemeenten.addTo(map);
      bronnen.addTo(map);

      var overlays = {};
      overlays[escapeHtml(texts.achtergrond)] = basemap;
      overlays[escapeHtml(texts.buurten)] = buurten;
      overlays[escapeHtml(texts.gemeenten)] = gemeenten;
      overlays[escapeHtml(texts.bronnen)] = bronnen;
      L.control.layers(null, overlays, { collapsed: false }).addTo(map);
      L.control.scale({ imperial: false }).addTo(map);

      var bounds = buurten.getBounds();
      if (!bounds.isValid()) {
        bounds = gemeenten.getBounds();
      }
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [10, 10], animate: false });
      }
      if (costUrl) {
        loadCosts(buurten);
      }
      var nBuurten = buurten.getLayers().length;
      var nBronnen = bronnen.getLayers().length;
      el.setAttribute("data-buurten-getekend", String(nBuurten));
      el.setAttribute("data-bronnen-getekend", String(nBronnen));
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
})();
