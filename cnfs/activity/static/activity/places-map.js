// The public map: draws on a Leaflet map the places the page lists (each <li data-place-lat/lon/name/url>).
// Without JavaScript, or when the tiles cannot load, the list stays the page's content; the map only adds to it.
(function () {
  "use strict";

  function start() {
    var container = document.querySelector("[data-places-map]");
    if (!container || typeof window.L === "undefined") {
      return;
    }
    var L = window.L;
    var items = document.querySelectorAll("[data-place-lat]");
    var centerLat = parseFloat(container.dataset.centerLat);
    var centerLon = parseFloat(container.dataset.centerLon);
    var map = L.map(container, { scrollWheelZoom: false });
    var tiles = L.tileLayer(container.dataset.tilesUrl, {
      attribution: container.dataset.tilesAttribution,
      maxZoom: 19,
    });
    var failures = 0;
    tiles.on("tileerror", function () {
      failures += 1;
      if (failures === 1) {
        var notice = document.querySelector("[data-places-map-notice]");
        if (notice) {
          notice.hidden = false;
        }
      }
    });
    tiles.addTo(map);
    var bounds = [];
    if (!isNaN(centerLat) && !isNaN(centerLon)) {
      bounds.push([centerLat, centerLon]);
    }
    items.forEach(function (item) {
      var lat = parseFloat(item.dataset.placeLat);
      var lon = parseFloat(item.dataset.placeLon);
      if (isNaN(lat) || isNaN(lon)) {
        return;
      }
      var marker = L.circleMarker([lat, lon], {
        radius: 9,
        color: "#000091",
        weight: 2,
        fillColor: "#6a6af4",
        fillOpacity: 0.9,
      }).addTo(map);
      var link = document.createElement("a");
      link.href = item.dataset.placeUrl;
      link.textContent = item.dataset.placeName;
      marker.bindPopup(link);
      bounds.push([lat, lon]);
    });
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 14);
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
