// Draws the dashboard's two charts from the JSON the page carries (the tables hold the same figures).
(function () {
  "use strict";
  var source = document.getElementById("data-grafik");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var blue = "#0b5394";
  new Chart(document.getElementById("grafik-minggu"), {
    type: "line",
    data: { labels: data.minggu.label, datasets: [{ label: "Laporan per minggu", data: data.minggu.nilai, borderColor: blue, backgroundColor: blue, tension: 0.2 }] },
    options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } }
  });
  new Chart(document.getElementById("grafik-skpd"), {
    type: "bar",
    data: { labels: data.skpd.label, datasets: [{ label: "% selesai tepat waktu", data: data.skpd.tepat, backgroundColor: blue }] },
    options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, max: 100 } } }
  });
}());
