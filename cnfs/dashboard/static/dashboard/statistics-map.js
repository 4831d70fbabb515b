// The dashboard's map: a circle per département (or région) at the centre the page gives (JSON in
// #dashboard-map-data), its area proportional to the first indicator. The table under the map has the same figures;
// without JavaScript or tiles, the table is the page's content.
(function () {
  "use strict";

  function start() {
    var container = document.querySelector("[data-dashboard-map]");
    var source = document.getElementById("dashboard-map-data");
    if (!container || !source || typeof window.L === "undefined") {
      return;
    }
    var markers = JSON.parse(source.textContent);
    var L = window.L;
    var map = L.map(container, { scrollWheelZoom: false });
    var tiles = L.tileLayer(container.dataset.tilesUrl, {
      attribution: container.dataset.tilesAttribution,
      maxZoom: 12,
    });
    var failures = 0;
    tiles.on("tileerror", function () {
      failures += 1;
      if (failures === 1) {
        var notice = document.querySelector("[data-dashboard-map-notice]");
        if (notice) {
          notice.hidden = false;
        }
      }
    });
    tiles.addTo(map);
    var largest = 0;
    markers.forEach(function (marker) {
      largest = Math.max(largest, marker.values.length ? marker.values[0][1] : 0);
    });
    var bounds = [];
    var mainland = [];
    markers.forEach(function (marker) {
      var value = marker.values.length ? marker.values[0][1] : 0;
      // Area proportional to the value: the radius grows with its square root (30 px for the largest).
      var radius = largest > 0 ? Math.max(3, 30 * Math.sqrt(value / largest)) : 3;
      var circle = L.circleMarker([marker.lat, marker.lon], {
        radius: radius,
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
      // Metropolitan France and Corsica: the view fits them when there are any (overseas: zoom out to see them).
      if (marker.lat > 41 && marker.lat < 52 && marker.lon > -6 && marker.lon < 10) {
        mainland.push([marker.lat, marker.lon]);
      }
    });
    if (mainland.length > 0) {
      bounds = mainland;
    }
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 9 });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 8);
    } else {
      map.setView([46.6, 2.4], 5);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
