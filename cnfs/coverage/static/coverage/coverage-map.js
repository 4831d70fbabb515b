// The coverage page's map: the communes in a white zone of the filtered territory (fetched from the page's
// data-url, the same communes as the list below), as circles sized by population. Without JavaScript, or when the
// tiles cannot load, the page's tables hold every figure; the map only adds to them.
// Shared map setup: static/js/maps.js.
(function () {
  "use strict";

  function notice() {
    var element = document.querySelector("[data-coverage-map-notice]");
    if (element) {
      element.hidden = false;
    }
  }

  function radius(population) {
    return Math.max(4, Math.min(18, Math.sqrt(population || 0) / 6));
  }

  function draw(container, data) {
    var maps = window.cnfsMaps;
    var map = maps.create(container, "[data-coverage-map-notice]", 18);
    var bounds = [];
    data.communes.forEach(function (commune) {
      if (commune.lat === null || commune.lon === null) {
        return;
      }
      var marker = window.L.circleMarker([commune.lat, commune.lon], {
        radius: radius(commune.population),
        color: "#ce0500",
        weight: 1,
        fillColor: "#ce0500",
        fillOpacity: 0.45,
      }).addTo(map);
      var text = document.createElement("span");
      var distance =
        commune.distance_km === null ? "aucun lieu visible" : "lieu le plus proche à " + commune.distance_km + " km";
      text.textContent =
        commune.name + " (" + commune.insee + ") : " + commune.population.toLocaleString("fr-FR") + " habitants, " + distance;
      marker.bindPopup(text);
      bounds.push([commune.lat, commune.lon]);
    });
    maps.fit(map, bounds, 11, 10);
  }

  function start() {
    var container = document.querySelector("[data-coverage-map]");
    if (!container) {
      return;
    }
    fetch(container.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        draw(container, data);
      })
      .catch(function () {
        container.hidden = true;
        notice();
      });
  }

  if (window.cnfsMaps) {
    window.cnfsMaps.ready(start);
  }
})();
