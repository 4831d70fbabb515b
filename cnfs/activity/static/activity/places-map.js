// The public map: draws on a Leaflet map the places the page lists (each <li data-place-lat/lon/name/url>).
// Without JavaScript, or when the tiles cannot load, the list stays the page's content; the map only adds to it.
// Shared map setup: static/js/maps.js.
(function () {
  "use strict";

  function start() {
    var container = document.querySelector("[data-places-map]");
    if (!container) {
      return;
    }
    var maps = window.cnfsMaps;
    var map = maps.create(container, "[data-places-map-notice]", 19);
    var centerLat = parseFloat(container.dataset.centerLat);
    var centerLon = parseFloat(container.dataset.centerLon);
    var bounds = [];
    if (!isNaN(centerLat) && !isNaN(centerLon)) {
      bounds.push([centerLat, centerLon]);
    }
    document.querySelectorAll("[data-place-lat]").forEach(function (item) {
      var lat = parseFloat(item.dataset.placeLat);
      var lon = parseFloat(item.dataset.placeLon);
      if (isNaN(lat) || isNaN(lon)) {
        return;
      }
      var marker = window.L.circleMarker([lat, lon], {
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
    maps.fit(map, bounds, 15, 14);
  }

  if (window.cnfsMaps) {
    window.cnfsMaps.ready(start);
  }
})();
