"""What the load generator says: Indonesian report texts, places in Banjarmasin, channels."""
# ruff: noqa: E501 - data: one report template per line reads better than wrapped strings

from __future__ import annotations

KECAMATAN: dict[str, tuple[str, ...]] = {
    "Banjarmasin Barat": (
        "Belitung Selatan",
        "Belitung Utara",
        "Kuin Cerucuk",
        "Kuin Selatan",
        "Pelambuan",
        "Telaga Biru",
        "Telawang",
        "Basirih",
        "Teluk Tiram",
    ),
    "Banjarmasin Selatan": (
        "Kelayan Dalam",
        "Kelayan Luar",
        "Kelayan Barat",
        "Kelayan Selatan",
        "Kelayan Timur",
        "Pekauman",
        "Murung Raya",
        "Pemurus Baru",
        "Pemurus Dalam",
        "Mantuil",
        "Tanjung Pagar",
    ),
    "Banjarmasin Tengah": (
        "Teluk Dalam",
        "Antasan Besar",
        "Gadang",
        "Kertak Baru Ilir",
        "Kertak Baru Ulu",
        "Mawar",
        "Pasar Lama",
        "Pekapuran Laut",
        "Melayu",
        "Seberang Mesjid",
        "Sungai Baru",
    ),
    "Banjarmasin Timur": (
        "Pengambangan",
        "Kuripan",
        "Sungai Bilu",
        "Benua Anyar",
        "Karang Mekar",
        "Kebun Bunga",
        "Pemurus Luar",
        "Sungai Lulut",
        "Pekapuran Raya",
    ),
    "Banjarmasin Utara": (
        "Alalak Selatan",
        "Alalak Tengah",
        "Alalak Utara",
        "Antasan Kecil Timur",
        "Kuin Utara",
        "Pangeran",
        "Sungai Andai",
        "Sungai Jingah",
        "Sungai Miai",
        "Surgi Mufti",
    ),
}

STREETS = (
    "Jl. Veteran",
    "Jl. Sultan Adam",
    "Jl. Kelayan A",
    "Jl. Pramuka",
    "Jl. A. Yani Km 3",
    "Jl. Pangeran Antasari",
    "Jl. Belitung Darat",
    "Jl. Kuin Selatan",
    "Jl. Cemara Raya",
    "Jl. Sutoyo S",
    "Jl. Pekapuran",
    "Jl. Gatot Subroto",
    "Jl. Hasan Basri",
    "Jl. Adhyaksa",
    "Jl. Padat Karya",
    "Jl. Mantuil Raya",
    "Jl. Simpang Gusti",
    "Jl. Sungai Andai",
    "Jl. Tembus Mantuil",
    "Jl. Pemurus",
    "Jl. Kampung Melayu",
    "Jl. Teluk Tiram Darat",
    "Jl. Alalak Tengah",
    "Jl. Lingkar Dalam Selatan",
)

SINCE = (
    "sejak kemarin",
    "sudah tiga hari",
    "sejak seminggu lalu",
    "sejak tadi pagi",
    "hampir dua minggu",
    "tiap malam",
    "sejak hujan deras hari Minggu",
    "sudah sebulan lebih",
)
OPENERS = (
    "",
    "Assalamualaikum, ",
    "Selamat pagi Pak/Bu, ",
    "Mohon izin melapor. ",
    "Admin yth, ",
    "Lapor min, ",
    "Dengan hormat, ",
)
CLOSERS = (
    "Mohon segera ditindaklanjuti.",
    "Terima kasih atas perhatiannya.",
    "Warga sudah resah.",
    "Mohon dicek petugas.",
    "Tolong segera diperbaiki.",
    "",
)

# (kind, title, text); {place} is the unique address, {since} how long it has been going on.
TOPICS: tuple[tuple[str, str, str], ...] = (
    (
        "pengaduan",
        "Air PDAM mati",
        "Air PDAM mati {since} di {place}, warga terpaksa beli air galon.",
    ),
    (
        "pengaduan",
        "Air PDAM keruh",
        "Air PDAM yang mengalir ke rumah kami di {place} keruh dan berbau {since}.",
    ),
    (
        "pengaduan",
        "Pipa PDAM bocor",
        "Pipa PDAM bocor di pinggir jalan {place}, air terbuang {since}.",
    ),
    (
        "pengaduan",
        "Lampu jalan mati",
        "Lampu penerangan jalan umum di {place} mati {since}, jalan gelap dan rawan.",
    ),
    (
        "pengaduan",
        "Jalan berlubang",
        "Jalan berlubang besar di {place} {since}, sudah ada pengendara motor yang jatuh.",
    ),
    (
        "pengaduan",
        "Jembatan ulin rusak",
        "Jembatan ulin titian di {place} papannya lapuk dan patah {since}.",
    ),
    (
        "pengaduan",
        "Sampah menumpuk",
        "Sampah menumpuk di TPS dekat {place} tidak diangkut {since}, baunya menyengat.",
    ),
    (
        "pengaduan",
        "Drainase tersumbat",
        "Saluran drainase di {place} tersumbat sampah {since}, air meluap ke jalan kalau hujan.",
    ),
    (
        "pengaduan",
        "Banjir rob",
        "Rumah warga di {place} terendam banjir rob {since}, mohon bantuan pompa air.",
    ),
    (
        "pengaduan",
        "Pohon tumbang",
        "Ada pohon tumbang menutup jalan di {place} {since} dan belum dipotong.",
    ),
    (
        "pengaduan",
        "Pelayanan puskesmas",
        "Antrean di puskesmas dekat {place} sangat lama {since}, petugas loket sering tidak ada.",
    ),
    (
        "pengaduan",
        "Nyamuk demam berdarah",
        "Banyak warga di {place} kena demam berdarah {since}, mohon diadakan fogging.",
    ),
    (
        "pengaduan",
        "Pungutan sekolah",
        "Sekolah dasar negeri dekat {place} memungut uang seragam di luar ketentuan {since}.",
    ),
    (
        "pengaduan",
        "KTP elektronik belum jadi",
        "KTP elektronik saya sudah direkam {since} di kecamatan tapi belum jadi, alamat {place}.",
    ),
    (
        "pengaduan",
        "Parkir liar",
        "Parkir liar di bahu jalan {place} membuat macet {since}, juru parkir memungut tarif tinggi.",
    ),
    (
        "pengaduan",
        "Pedagang di trotoar",
        "Pedagang kaki lima menutup trotoar di {place} {since}, pejalan kaki harus turun ke jalan.",
    ),
    (
        "pengaduan",
        "Bangunan tanpa izin",
        "Ada bangunan ruko berdiri di atas saluran air di {place} {since}, sepertinya tanpa izin.",
    ),
    (
        "pengaduan",
        "Asap pembakaran sampah",
        "Warga membakar sampah di lahan kosong {place} {since}, asapnya masuk ke rumah-rumah.",
    ),
    (
        "pengaduan",
        "Listrik sering padam",
        "Listrik PLN di {place} sering padam bergilir {since} tanpa pemberitahuan.",
    ),
    (
        "pengaduan",
        "Anjing liar",
        "Banyak anjing liar berkeliaran di {place} {since}, anak-anak takut berangkat sekolah.",
    ),
    (
        "pengaduan",
        "Bantuan sosial tidak tepat",
        "Bantuan sosial di {place} diterima keluarga mampu, warga miskin malah tidak dapat {since}.",
    ),
    (
        "aspirasi",
        "Usulan taman bermain",
        "Kami warga {place} mengusulkan lahan kosong dijadikan taman bermain anak dan ruang terbuka hijau.",
    ),
    (
        "aspirasi",
        "Usulan jalur sepeda",
        "Mohon dibuat jalur sepeda yang aman dari {place} menuju pusat kota, banyak pelajar bersepeda.",
    ),
    (
        "permintaan-informasi",
        "Syarat izin usaha",
        "Saya tinggal di {place}, mohon informasi syarat mengurus izin usaha mikro untuk warung.",
    ),
    (
        "permintaan-informasi",
        "Jadwal vaksinasi",
        "Mohon informasi jadwal vaksinasi anak di posyandu dekat {place} bulan ini.",
    ),
)

# Channel -> weight in the mix (every channel appears).
CHANNEL_WEIGHTS: dict[str, int] = {
    "web": 20,
    "sms": 15,
    "whatsapp": 20,
    "mobile": 15,
    "twitter": 10,
    "email": 8,
    "walk-in": 7,
    "open311": 5,
}

NAMES = (
    "Ahmad Rifani",
    "Siti Norhayati",
    "Muhammad Fauzi",
    "Rina Maulida",
    "Hendra Saputra",
    "Nurul Hidayah",
    "Budi Santoso",
    "Dewi Rahmawati",
    "Gusti Riduan",
    "Fitriani",
    "Akhmad Syarkawi",
    "Rahmah",
    "Yusuf Hamdani",
    "Lailatul Qadariah",
)
