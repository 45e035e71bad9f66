/* LAPOR! Banjarmasin: the pages' maps (Leaflet, vendored). Every page works without this file:
   the form is sent without a pin, lists and reports keep their text. */
(function () {
  "use strict";

  function buat(el) {
    var s = JSON.parse(el.dataset.peta);
    el.hidden = false;
    var peta = L.map(el).setView(s.pusat, s.zoom);
    if (s.ubin) {
      L.tileLayer(s.ubin, { attribution: s.atribusi, maxZoom: 19 }).addTo(peta);
    }
    return peta;
  }

  function teksTitik(lat, lon) {
    return "Titik dipilih: " + lat.toFixed(6) + ", " + lon.toFixed(6);
  }

  /* The form: a click (or tap) drops a draggable pin; the phone's location too. */
  function formulir(el) {
    var wadah = document.getElementById("peta-pilih");
    wadah.hidden = false;
    var peta = buat(el);
    var lintang = document.getElementById("lintang");
    var bujur = document.getElementById("bujur");
    var info = document.getElementById("titik-terpilih");
    var hapus = document.getElementById("hapus-titik");
    var saya = document.getElementById("lokasi-saya");
    var penanda = null;
    window.petaLapor = peta;

    function pasang(lat, lon) {
      lintang.value = lat.toFixed(6);
      bujur.value = lon.toFixed(6);
      info.textContent = teksTitik(lat, lon);
      hapus.hidden = false;
      if (penanda) {
        penanda.setLatLng([lat, lon]);
        return;
      }
      penanda = L.marker([lat, lon], { draggable: true, keyboard: true, title: "Lokasi laporan" });
      penanda.on("dragend", function () {
        var p = penanda.getLatLng();
        pasang(p.lat, p.lng);
      });
      penanda.addTo(peta);
    }

    if (lintang.value && bujur.value) {
      pasang(parseFloat(lintang.value), parseFloat(bujur.value));
      peta.setView([parseFloat(lintang.value), parseFloat(bujur.value)], 17);
    }
    peta.on("click", function (e) { pasang(e.latlng.lat, e.latlng.lng); });
    hapus.addEventListener("click", function () {
      if (penanda) { peta.removeLayer(penanda); penanda = null; }
      lintang.value = "";
      bujur.value = "";
      info.textContent = "Titik dihapus.";
      hapus.hidden = true;
    });
    if (!navigator.geolocation) {
      saya.hidden = true;
      return;
    }
    saya.addEventListener("click", function () {
      info.textContent = "Mencari lokasi Anda...";
      navigator.geolocation.getCurrentPosition(function (posisi) {
        var lat = posisi.coords.latitude, lon = posisi.coords.longitude;
        pasang(lat, lon);
        peta.setView([lat, lon], 17);
      }, function () {
        info.textContent = "Lokasi tidak dapat dibaca. Izinkan akses lokasi atau ketuk peta.";
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  /* The public list: one marker per report of the page, each linking to its page. */
  function daftar(el) {
    var peta = buat(el);
    var batas = [];
    JSON.parse(el.dataset.laporan).forEach(function (r) {
      var isi = document.createElement("div");
      var tautan = document.createElement("a");
      tautan.href = "/laporan/" + encodeURIComponent(r.id);
      tautan.textContent = r.judul;
      var status = document.createElement("p");
      status.textContent = r.status;
      isi.appendChild(tautan);
      isi.appendChild(status);
      L.marker([r.lat, r.lon], { title: r.judul }).bindPopup(isi).addTo(peta);
      batas.push([r.lat, r.lon]);
    });
    if (batas.length) { peta.fitBounds(batas, { maxZoom: 16, padding: [20, 20] }); }
  }

  /* One report: its rounded pin, with a 100 m circle saying it is approximate. */
  function satu(el) {
    var peta = buat(el);
    var t = JSON.parse(el.dataset.titik);
    L.circle([t.lat, t.lon], { radius: 100 }).addTo(peta);
    L.marker([t.lat, t.lon], { title: "Perkiraan lokasi" }).addTo(peta);
    peta.setView([t.lat, t.lon], 16);
    window.petaLaporan = peta;
  }

  function mulai() {
    if (typeof L === "undefined") { return; }
    var el = document.getElementById("peta-lapor");
    if (el) { formulir(el); }
    el = document.getElementById("peta-daftar");
    if (el) { daftar(el); }
    el = document.getElementById("peta-laporan");
    if (el) { satu(el); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mulai);
  } else {
    mulai();
  }
}());
