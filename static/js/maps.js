// What every Leaflet map of the site shares (loaded after vendor/leaflet/leaflet.js, before the page's own script):
// a map without scroll-wheel zoom, the tile layer named by the container's data-tiles-url/-attribution, the notice
// shown at the first tile that fails (the page's tables keep every figure), the circle sized by area, and fitting
// the view. Each page's script only says what it draws.
(function () {
  "use strict";

  var FRANCE = [46.6, 2.4];

  function create(container, noticeSelector, maxZoom) {
    var L = window.L;
    var map = L.map(container, { scrollWheelZoom: false });
    var tiles = L.tileLayer(container.dataset.tilesUrl, {
      attribution: container.dataset.tilesAttribution,
      maxZoom: maxZoom,
    });
    var failed = false;
    tiles.on("tileerror", function () {
      if (failed) {
        return;
      }
      failed = true;
      var notice = document.querySelector(noticeSelector);
      if (notice) {
        notice.hidden = false;
      }
    });
    tiles.addTo(map);
    return map;
  }

  // A circle whose area follows the value: its radius grows with the square root (`largest` px for the highest).
  function radius(value, highest, largest) {
    return highest > 0 ? Math.max(3, largest * Math.sqrt(value / highest)) : 3;
  }

  // Fits the view to the points (a list of [lat, lon]); one point: centred at `zoom`; none: all of France.
  function fit(map, points, maxZoom, zoom) {
    if (points.length > 1) {
      map.fitBounds(points, { padding: [24, 24], maxZoom: maxZoom });
    } else if (points.length === 1) {
      map.setView(points[0], zoom);
    } else {
      map.setView(FRANCE, 5);
    }
  }

  function ready(start) {
    if (typeof window.L === "undefined") {
      return; // Leaflet did not load: the page's lists and tables are its content
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  }

  window.cnfsMaps = { create: create, radius: radius, fit: fit, ready: ready, FRANCE: FRANCE };
})();
