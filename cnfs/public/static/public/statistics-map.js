// The public statistics map: one circle per département, at its centre, whose area follows the figure chosen in the
// select. The figures come from the rows of the "Par département" table (data-departement-lat/lon/name/figures), which
// stays the page's content without JavaScript or when the tiles cannot load. Shared map setup: static/js/maps.js.
(function () {
  "use strict";

  var MAX_RADIUS = 28;

  function start() {
    var container = document.querySelector("[data-departements-map]");
    if (!container) {
      return;
    }
    var maps = window.cnfsMaps;
    var L = window.L;
    var choice = document.querySelector("[data-departements-map-choice]");
    var select = choice ? choice.querySelector("select") : null;
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-departement-lat]"));
    var map = maps.create(container, "[data-departements-map-notice]", 12).setView(maps.FRANCE, 5);
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
          radius: maps.radius(point.value, highest, MAX_RADIUS),
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

  if (window.cnfsMaps) {
    window.cnfsMaps.ready(start);
  }
})();
