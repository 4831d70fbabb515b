// The dashboard's map: a circle per département (or région) at the centre the page gives (JSON in
// #dashboard-map-data), its area proportional to the first indicator. The table under the map has the same figures;
// without JavaScript or tiles, the table is the page's content. Shared map setup: static/js/maps.js.
(function () {
  "use strict";

  function inMainland(marker) {
    // Metropolitan France and Corsica: the view fits them when there are any (overseas: zoom out to see them).
    return marker.lat > 41 && marker.lat < 52 && marker.lon > -6 && marker.lon < 10;
  }

  function start() {
    var container = document.querySelector("[data-dashboard-map]");
    var source = document.getElementById("dashboard-map-data");
    if (!container || !source) {
      return;
    }
    var maps = window.cnfsMaps;
    var markers = JSON.parse(source.textContent);
    var map = maps.create(container, "[data-dashboard-map-notice]", 12);
    var first = function (marker) {
      return marker.values.length ? marker.values[0][1] : 0;
    };
    var highest = markers.reduce(function (max, marker) {
      return Math.max(max, first(marker));
    }, 0);
    var bounds = [];
    var mainland = [];
    markers.forEach(function (marker) {
      var circle = window.L.circleMarker([marker.lat, marker.lon], {
        radius: maps.radius(first(marker), highest, 30),
        color: "#000091",
        weight: 1,
        fillColor: "#6a6af4",
        fillOpacity: 0.6,
      }).addTo(map);
      var popup = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = marker.name + " (" + marker.code + ")";
      popup.appendChild(title);
      var list = document.createElement("ul");
      marker.values.forEach(function (pair) {
        var item = document.createElement("li");
        item.textContent = pair[0] + " : " + pair[1].toLocaleString("fr-FR");
        list.appendChild(item);
      });
      popup.appendChild(list);
      circle.bindPopup(popup);
      bounds.push([marker.lat, marker.lon]);
      if (inMainland(marker)) {
        mainland.push([marker.lat, marker.lon]);
      }
    });
    maps.fit(map, mainland.length > 0 ? mainland : bounds, 9, 8);
  }

  if (window.cnfsMaps) {
    window.cnfsMaps.ready(start);
  }
})();
