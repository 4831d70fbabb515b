// The public statistics map: one circle per département, at its centre, whose area follows the figure chosen in the
// select. The figures come from the rows of the "Par département" table (data-departement-lat/lon/name/figures), which
// stays the page's content without JavaScript or when the tiles cannot load.
(function () {
  "use strict";

  var MAX_RADIUS = 28;

  function start() {
    var container = document.querySelector("[data-departements-map]");
    if (!container || typeof window.L === "undefined") {
      return;
    }
    var L = window.L;
    var choice = document.querySelector("[data-departements-map-choice]");
    var select = choice ? choice.querySelector("select") : null;
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-departement-lat]"));
    var map = L.map(container, { scrollWheelZoom: false }).setView([46.6, 2.4], 5);
    var tiles = L.tileLayer(container.dataset.tilesUrl, {
      attribution: container.dataset.tilesAttribution,
      maxZoom: 12,
    });
    var failures = 0;
    tiles.on("tileerror", function () {
      failures += 1;
      if (failures === 1) {
        var notice = document.querySelector("[data-departements-map-notice]");
        if (notice) {
          notice.hidden = false;
        }
      }
    });
    tiles.addTo(map);
    var layer = L.layerGroup().addTo(map);

    function draw() {
      var name = select ? select.value : "advisors_in_post";
      var label = select ? select.options[select.selectedIndex].text : "";
      var points = rows.map(function (row) {
        var figures = JSON.parse(row.dataset.departementFigures || "{}");
        return {
          lat: parseFloat(row.dataset.departementLat),
          lon: parseFloat(row.dataset.departementLon),
          name: row.dataset.departementName,
          value: figures[name] || 0,
        };
      });
      var highest = points.reduce(function (max, point) {
        return Math.max(max, point.value);
      }, 0);
      layer.clearLayers();
      points.forEach(function (point) {
        if (!point.value || isNaN(point.lat) || isNaN(point.lon)) {
          return;
        }
        L.circleMarker([point.lat, point.lon], {
          radius: Math.max(3, MAX_RADIUS * Math.sqrt(point.value / highest)),
          color: "#000091",
          weight: 1,
          fillColor: "#6a6af4",
          fillOpacity: 0.6,
        })
          .bindTooltip(point.name + " : " + point.value.toLocaleString("fr-FR") + " " + label.toLowerCase())
          .addTo(layer);
      });
    }

    if (choice && select) {
      choice.hidden = false;
      select.addEventListener("change", draw);
    }
    draw();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
