/*
 * Weging page (progressive enhancement). Without JavaScript the form is a plain GET form: the server ranks the
 * buurten with the weights in the query string. With JavaScript:
 *
 * - moving a slider shows its value at once and, 150 ms after the last move, posts the weighting as JSON to the
 *   API (POST /api/v1/beoordelingen/{id}/weging, the URL is in data-api-url of the form); the answer updates the
 *   table rows (winner, score, runner-up, margin), the share of each weight and the map colours, without a reload;
 * - the address bar and the share link follow the weighting (history.replaceState), so it can still be shared;
 * - "Rangschikking bijgewerkt" is announced in the role=status region, with how many winners changed;
 * - the reset link puts every slider back to its default and re-ranks;
 * - the map (Leaflet in RD New, like regiokaart.js) colours each buurt by the strategy family of its winner,
 *   read from the table rows, so map and table never disagree; the tooltip names the winner in text.
 *
 * The page never computes scores itself: it only shows what the API answers.
 */
(function () {
  "use strict";

  var form = document.getElementById("wr-weging-form");
  if (!form || !window.fetch || !window.JSON) {
    return;
  }
  var apiUrl = form.getAttribute("data-api-url");
  var texts = JSON.parse(form.getAttribute("data-teksten") || "{}");
  var constraints = JSON.parse(form.getAttribute("data-beperkingen") || "{}");
  var variantsEl = document.getElementById("wr-weging-varianten");
  var variants = variantsEl ? JSON.parse(variantsEl.textContent || "{}") : {};
  var table = document.getElementById("wr-weging-tabel");
  var status = document.getElementById("wr-weging-status");
  var shareLink = document.getElementById("wr-weging-deel");
  var lang = document.documentElement.lang === "en" ? "en-GB" : "nl-NL";
  var scoreFormat = new Intl.NumberFormat(lang, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  var percentFormat = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  var DEBOUNCE_MS = 150;
  var PAGE_SIZE = 500;
  var timer = null;
  var controller = null;
  var sequence = 0;
  var recolour = function () {};
  var mapEl = document.getElementById("wr-weging-kaart");
  texts.families = mapEl ? JSON.parse(mapEl.getAttribute("data-familie-namen") || "{}") : {};

  function format(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] !== undefined ? values[key] : "";
    });
  }

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function setStatus(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function sliders() {
    return Array.prototype.slice.call(form.querySelectorAll("input[type=range][name^='w_']"));
  }

  function showValue(slider) {
    var output = document.getElementById(slider.id + "-waarde");
    if (output) {
      output.textContent = slider.value;
    }
  }

  /* The weighting as the query string of the page (shareable) and as the JSON body of the API. */
  function queryString() {
    var params = new URLSearchParams();
    sliders().forEach(function (s) {
      params.append(s.name, s.value);
    });
    var method = form.querySelector("input[name=methode]:checked");
    params.append("methode", method ? method.value : "gewogen_som");
    Array.prototype.forEach.call(form.querySelectorAll("input[name=beperking]:checked"), function (box) {
      params.append("beperking", box.value);
    });
    return params.toString();
  }

  function requestBody() {
    var weights = {};
    sliders().forEach(function (s) {
      weights[s.name.slice(2)] = Number(s.value);
    });
    var method = form.querySelector("input[name=methode]:checked");
    var chosen = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[name=beperking]:checked"), function (box) {
      if (constraints[box.value]) {
        chosen.push(constraints[box.value]);
      }
    });
    return { gewichten: weights, methode: method ? method.value : "gewogen_som", beperkingen: chosen };
  }

  function variantHtml(code) {
    if (!code) {
      return escapeHtml(texts.geenVariant);
    }
    var v = variants[code] || { label: code };
    var family = v.familie && texts.families && texts.families[v.familie];
    return escapeHtml(v.label) + (family ? ' <span class="wr-muted">(' + escapeHtml(family) + ")</span>" : "");
  }

  function setNumber(cell, value) {
    if (!cell) {
      return;
    }
    var known = value !== null && value !== undefined && isFinite(value);
    cell.setAttribute("data-waarde", known ? String(value) : "");
    cell.textContent = known ? scoreFormat.format(value) : "–";
  }

  /* One buurt of the API answer -> its table row. Returns true when the winner changed. */
  function updateRow(result) {
    var row = table ? table.querySelector('tr[data-buurt="' + result.buurtCode + '"]') : null;
    if (!row) {
      return false;
    }
    var winner = result.winnaar || "";
    var best = null;
    var second = null;
    (result.varianten || []).forEach(function (v) {
      if (v.rang === 1) {
        best = v;
      } else if (v.rang === 2) {
        second = v;
      }
    });
    var changed = row.getAttribute("data-winnaar") !== winner;
    row.setAttribute("data-winnaar", winner);
    row.setAttribute("data-familie", winner && variants[winner] ? variants[winner].familie || "" : "");
    row.querySelector('[data-kolom="winnaar"]').innerHTML = variantHtml(winner);
    row.querySelector('[data-kolom="tweede"]').innerHTML = second ? variantHtml(second.code) : "–";
    setNumber(row.querySelector('[data-kolom="score"]'), best ? best.score : null);
    var margin = best && second && best.score !== null && second.score !== null ? best.score - second.score : null;
    setNumber(row.querySelector('[data-kolom="marge"]'), margin);
    return changed;
  }

  function updateShares(weights) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-aandeel]"), function (span) {
      var share = weights ? weights[span.getAttribute("data-aandeel")] : undefined;
      span.textContent = share === undefined ? "" : format(texts.aandeel, { procent: percentFormat.format(share) });
    });
  }

  function updateLinks(query) {
    var url = window.location.pathname + "?" + query;
    if (shareLink) {
      shareLink.href = url;
    }
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", url + window.location.hash);
    }
    if (table) {
      Array.prototype.forEach.call(table.querySelectorAll("a.wr-weging-buurtlink"), function (a) {
        a.href = a.getAttribute("href").split("?")[0] + "?" + query + "#afweging";
      });
    }
  }

  function markRobustnessStale() {
    var box = document.getElementById("wr-robuustheid-resultaat");
    if (box && !box.hasAttribute("data-verouderd")) {
      box.setAttribute("data-verouderd", "ja");
      var note = document.createElement("p");
      note.className = "utrecht-paragraph wr-weging-verouderd";
      note.textContent = texts.verouderd || "";
      box.insertBefore(note, box.firstChild);
    }
  }

  function fetchAll(url, body, signal, collected) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body),
      signal: signal,
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) {
          var error = new Error(answer.detail || answer.title || "HTTP " + response.status);
          error.problem = answer;
          throw error;
        }
        collected.push(answer);
        var next = answer._links && answer._links.next && answer._links.next.href;
        return next ? fetchAll(next, body, signal, collected) : collected;
      });
    });
  }

  function rerank() {
    if (!apiUrl) {
      return;
    }
    var query = queryString();
    var body = requestBody();
    if (controller) {
      controller.abort();
    }
    controller = window.AbortController ? new AbortController() : null;
    var mine = ++sequence;
    form.setAttribute("data-weging-status", "bezig");
    setStatus(texts.bezig);
    var sep = apiUrl.indexOf("?") < 0 ? "?" : "&";
    fetchAll(apiUrl + sep + "paginaGrootte=" + PAGE_SIZE, body, controller ? controller.signal : undefined, [])
      .then(function (pages) {
        if (mine !== sequence) {
          return;
        }
        var changed = 0;
        var total = 0;
        pages.forEach(function (page) {
          (page.resultaten || []).forEach(function (result) {
            total += 1;
            if (updateRow(result)) {
              changed += 1;
            }
          });
        });
        updateShares(pages.length ? pages[0].gewichten : null);
        updateLinks(query);
        recolour();
        markRobustnessStale();
        var errorBox = document.getElementById("wr-weging-fout");
        if (errorBox) {
          errorBox.hidden = true;
        }
        form.setAttribute("data-weging-status", "klaar");
        form.setAttribute("data-weging-teller", String(sequence));
        setStatus(format(texts.bijgewerkt, { anders: changed, totaal: total }));
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") {
          return;
        }
        form.setAttribute("data-weging-status", "fout");
        var detail = error && error.problem && error.problem.detail ? " " + error.problem.detail : "";
        setStatus(texts.fout + detail);
        if (window.console) {
          window.console.error(error);
        }
      });
  }

  function schedule() {
    if (!table) {
      return; // no ranking on the page (e.g. after an input error): the submit button re-ranks
    }
    if (timer) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(rerank, DEBOUNCE_MS);
  }

  form.addEventListener("input", function (event) {
    var target = event.target;
    if (target && target.type === "range") {
      showValue(target);
      schedule();
    }
  });
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target && (target.name === "methode" || target.name === "beperking")) {
      schedule();
    } else if (target && target.type === "range") {
      showValue(target);
      schedule();
    }
  });

  var reset = document.getElementById("wr-weging-reset");
  if (reset) {
    reset.addEventListener("click", function (event) {
      event.preventDefault();
      sliders().forEach(function (s) {
        s.value = s.getAttribute("data-standaard");
        showValue(s);
      });
      var standard = form.querySelector("input[name=methode][value=gewogen_som]");
      if (standard) {
        standard.checked = true;
      }
      Array.prototype.forEach.call(form.querySelectorAll("input[name=beperking]"), function (box) {
        box.checked = false;
      });
      rerank();
    });
  }

  /* ------------------------------------------------------------------------------------------------ map */

  var el = document.getElementById("wr-weging-kaart");
  if (!el || !window.L || !L.Proj) {
    return;
  }
  var RD_PROJ4 =
    "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 " +
    "+ellps=bessel +units=m +towgs84=565.2369,50.0087,465.658,-0.406857330322398,0.350732676542563," +
    "-1.8703473836068,4.0812 +no_defs";
  var RD_RESOLUTIONS = [3440.64, 1720.32, 860.16, 430.08, 215.04, 107.52, 53.76, 26.88, 13.44, 6.72, 3.36, 1.68, 0.84, 0.42];
  var mapTexts = JSON.parse(el.getAttribute("data-teksten") || "{}");
  var mapStatus = document.getElementById("wr-weging-kaart-status");
  var style = window.getComputedStyle(el);

  function token(name, fallback) {
    var value = style.getPropertyValue(name).trim();
    return value || fallback;
  }

  function rowOf(code) {
    return table ? table.querySelector('tr[data-buurt="' + code + '"]') : null;
  }

  function fill(code) {
    var row = rowOf(code);
    var family = row ? row.getAttribute("data-familie") : "";
    var unknown = token("--wr-map-klasse-onbekend", "#d9d9d9");
    return family ? token("--wr-map-familie-" + family.toLowerCase(), unknown) : unknown;
  }

  function tooltip(p) {
    var row = rowOf(p.code);
    var winner = row ? row.getAttribute("data-winnaar") : "";
    var second = row ? row.querySelector('[data-kolom="tweede"]') : null;
    var score = row ? row.querySelector('[data-kolom="score"]') : null;
    return (
      '<span class="wr-map__tooltip-title">' + escapeHtml(p.naam || p.code) + "</span> (" + escapeHtml(p.code) + ")" +
      (p.schematisch ? " – " + escapeHtml(mapTexts.schematisch) : "") +
      "<br>" + escapeHtml(mapTexts.winnaar) + ": " + (winner ? variantHtml(winner) : escapeHtml(mapTexts.geenVariant)) +
      (score && winner ? "<br>" + escapeHtml(mapTexts.score) + ": " + escapeHtml(score.textContent) : "") +
      (second && winner ? "<br>" + escapeHtml(mapTexts.tweede) + ": " + escapeHtml(second.textContent) : "")
    );
  }

  function buurtStyle(feature) {
    return {
      color: token("--wr-map-buurt-rand", "#4d4d4d"),
      weight: 1,
      fillOpacity: 0.75,
      fillColor: fill(feature.properties.code),
      dashArray: feature.properties.schematisch ? "4 3" : null,
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

  var crs = new L.Proj.CRS("EPSG:28992", RD_PROJ4, {
    resolutions: RD_RESOLUTIONS,
    origin: [-285401.92, 903401.92],
    bounds: L.bounds([-285401.92, 903401.92], [595401.92, 22598.08]),
  });
  var map = L.map(el, { crs: crs, center: [52.1, 5.3], zoom: 3, minZoom: 0, maxZoom: RD_RESOLUTIONS.length - 1 });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  var kadaster = document.getElementById("wr-kadaster-attributie");
  var basemap = L.tileLayer(el.getAttribute("data-basemap-url"), {
    minZoom: 0,
    maxZoom: RD_RESOLUTIONS.length - 1,
    attribution: escapeHtml(mapTexts.kadaster),
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
  if (mapStatus) {
    mapStatus.textContent = mapTexts.laden;
  }

  Promise.all([getJson(el.getAttribute("data-buurten-url")), getJson(el.getAttribute("data-gemeenten-url"))])
    .then(function (results) {
      var buurten = L.geoJSON(results[0], {
        style: buurtStyle,
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          layer.bindTooltip(function () {
            return tooltip(p);
          }, { sticky: true });
          layer.bindPopup(function () {
            return tooltip(p) + '<br><a href="/buurt/' + encodeURIComponent(p.code) + '">' + escapeHtml(mapTexts.meer) + "</a>";
          });
        },
      });
      var gemeenten = L.geoJSON(results[1], {
        interactive: false,
        style: function () {
          return { color: token("--wr-map-gemeente-rand", "#1a1a1a"), weight: 2.5, fill: false };
        },
      });
      buurten.addTo(map);
      gemeenten.addTo(map);
      var overlays = {};
      overlays[escapeHtml(mapTexts.achtergrond)] = basemap;
      overlays[escapeHtml(mapTexts.buurten)] = buurten;
      overlays[escapeHtml(mapTexts.gemeenten)] = gemeenten;
      L.control.layers(null, overlays, { collapsed: false }).addTo(map);
      L.control.scale({ imperial: false }).addTo(map);
      var bounds = buurten.getBounds();
      if (!bounds.isValid()) {
        bounds = gemeenten.getBounds();
      }
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [10, 10], animate: false });
      }
      recolour = function () {
        buurten.setStyle(buurtStyle);
        el.setAttribute("data-kleuring", String(sequence));
      };
      var n = buurten.getLayers().length;
      el.setAttribute("data-buurten-getekend", String(n));
      el.setAttribute("data-kaart-status", "klaar");
      if (mapStatus) {
        mapStatus.textContent = format(mapTexts.klaar, { buurten: n });
      }
    })
    .catch(function (error) {
      el.setAttribute("data-kaart-status", "fout");
      if (mapStatus) {
        mapStatus.textContent = mapTexts.fout;
      }
      if (window.console) {
        window.console.error(error);
      }
    });
})();
