"""Routing's own keyword rules: phrases (formal and informal Indonesian) -> body codes.

Per body, phrases by weight, separated by ";". Weights: 5 decisive (an outside body's own
service, a named institution); 4 names the body or its unique service; 3 a typical problem;
2 a common hint; 1 a weak hint. Phrases are normalised like report text (lower case, no
punctuation, informal spellings expanded: see `text.py`), matched on whole words within a
clause, and a longer phrase found hides the shorter ones inside it ("rsud ulin" hides "rsud",
"lampu lalu lintas" hides "lalu lintas"). `NEUTRAL` phrases score nothing but hide their words
("air pasang" is not about the water company).
`AREA` is not a body: it stands for "the kecamatan of the report's location".
"""

from __future__ import annotations

AREA = "KECAMATAN"

AREA_CODES = {
    "utara": "KEC-UTARA",
    "selatan": "KEC-SELATAN",
    "timur": "KEC-TIMUR",
    "barat": "KEC-BARAT",
    "tengah": "KEC-TENGAH",
}

NEUTRAL = (
    "pasar lama; air keran; air galon; air hujan; air meluap; air sampah; air hitam; "
    "air menyembur; air merembes; pemkot; pemkotbjm; pemerintah kota; admin lapor; lapor; "
    "aplikasi lapor; jam kerja; hari kerja; jam pelayanan"
)

RULES: dict[str, dict[float, str]] = {
    "PDAM": {
        4: "pdam; bandarmasih; pdambandarmasih; air ledeng; banyu ledeng; ledeng; meteran air; "
        "sambungan air; tagihan air; pipa pdam; air pdam; tekanan air",
        3: "air mati; air tidak mengalir; air tidak keluar; air keruh; air kecil; air bau; "
        "aliran air; pipa bocor; pipa pecah; pipa air; abonemen; air bersih; pelanggan air",
        1: "air; pipa",
    },
    "PDPAL": {
        4: "pd pal; pdpal; ipal; air limbah; limbah domestik; limbah rumah tangga; tinja; "
        "septic tank; septik; tangki septik; sedot wc; saluran limbah",
        2: "wc; closet; kloset; kakus",
    },
    "DPUPR": {
        4: "jalan berlubang; jalan rusak; lubang jalan; drainase; saluran tersumbat; "
        "gorong gorong; siring; pbg; imb; persetujuan bangunan gedung; simbg; dpupr; dinas pu; "
        "diaspal; aspal",
        3: "berlubang; lubang; got; saluran got; saluran air; tutup saluran; genangan; "
        "genangan air; tergenang; mampet; tersumbat; dikeruk; ditinggikan; amblas; ditambal; "
        "tambal; banjir; kubangan; jembatan; jalan kota; peninggian; peninggian jalan",
        2: "saluran; rusak parah; retak",
    },
    "DISPERKIM": {
        4: "lampu jalan; pju; lampu pju; penerangan jalan; penerangan jalan umum; rtlh; "
        "rumah tidak layak huni; bedah rumah; pemakaman; makam; taman kota; disperkim",
        3: "taman; lampu penerangan; ayunan; perosotan; permukiman; perumahan",
        1: "gelap; gelap gulita",
    },
    "DISHUB": {
        5: "lampu lalu lintas; lampu merah; traffic light; rambu lalu lintas",
        4: "rambu; parkir liar; juru parkir; jukir; tarif parkir; trans banjarmasin; angkot; "
        "angkutan umum; angkutan kota; dermaga; kelotok; dishub; dishubbjm; halte; marka jalan; "
        "terminal; parkir di badan jalan",
        3: "parkir; bus; macet; kemacetan; zebra cross",
        1: "lalu lintas",
    },
    "DLH": {
        4: "sampah menumpuk; tps; truk sampah; bank sampah; pencemaran; limbah pabrik; "
        "limbah industri; limbah cair; dlh; pohon tumbang; pohon pelindung; pohon roboh; "
        "bakar sampah; membakar sampah; buang sampah; sampah sembarangan; dipangkas",
        3: "sampah; limbah; tercemar; pohon; pohon besar",
        1: "bau",
    },
    "DISDUKCAPIL": {
        4: "ktp; ktp el; e ktp; kartu keluarga; akta kelahiran; akta kematian; akta lahir; "
        "dukcapil; disdukcapil; blanko; perekaman; pindah domisili; surat pindah; pindah datang; "
        "kartu identitas anak; kia",
        3: "kk",
        2: "akta; nik",
    },
    "DINKES": {
        4: "puskesmas; posyandu; imunisasi; vaksin; fogging; dbd; demam berdarah; jentik; "
        "stunting; dinkes; dinkesbjm; dinas kesehatan; gizi buruk; pustu",
        2: "bidan; balita; kesehatan",
    },
    "DISDIK": {
        4: "ppdb; zonasi; dana bos; paud; dinas pendidikan; sdn; smpn; smp negeri; sd negeri; "
        "guru; lks; kepala sekolah",
        3: "siswa; murid; seragam; kelas; jam pelajaran; sekolah negeri",
        2: "sd; smp; tk",
        1: "sekolah; sekolahan",
    },
    "SATPOLPP": {
        4: "pkl; pedagang kaki lima; bangunan liar; reklame liar; spanduk; baliho; gelandangan; "
        "pengemis; karaoke; tempat hiburan; hiburan malam; satpol pp; satpol; satpolpp; "
        "lapak semi permanen; emperan",
        3: "lapak; iklan; mabuk; ketertiban; trotoar",
        1: "ditertibkan; tertibkan; menertibkan; kumuh",
    },
    "DAMKAR": {
        4: "kebakaran; terbakar; damkar; pemadam; hidran; ular; sanca; sarang tawon; tawon; "
        "lebah; sarang lebah; evakuasi hewan",
        2: "api",
    },
    "DINSOS": {
        4: "bansos; pkh; dtks; blt; bantuan sosial; odgj; orang terlantar; anak jalanan; "
        "ngamen; pengamen; dinsos; panti",
        3: "lansia; janda; terlantar; dibina",
    },
    "DP3A": {
        4: "kdrt; kekerasan terhadap anak; kekerasan terhadap perempuan; kekerasan anak; "
        "perlindungan anak; kekerasan dalam rumah tangga; pelecehan; rumah aman; dp3a; "
        "korban kdrt; pendampingan korban",
        3: "kekerasan; dipukul; pendampingan; konseling",
    },
    "DKP3": {
        4: "pupuk; pupuk subsidi; petani; kelompok tani; klp tani; rabies; anjing liar; "
        "hewan ternak; ternak; harga pangan; stok pangan; pertanian; vaksinasi rabies",
        2: "anjing; hewan; tani",
    },
    "DPPKB": {
        4: "kb; keluarga berencana; iud; implan; alat kontrasepsi; kontrasepsi; vasektomi; dppkb",
    },
    "DISKOMINFOTIK": {
        4: "website; situs; web resmi; wifi; hoaks; hoax; kominfo; diskominfo; diskominfotik; "
        "internet; cctv kota",
        3: "web; aplikasi; error; link",
    },
    "DISKOPUMKER": {
        4: "umkm; koperasi; pengangguran; menganggur; pelatihan kerja; upah; umk; lembur; phk; "
        "pesangon; bpjs ketenagakerjaan; tenaga kerja; disnaker; diskopumker",
        2: "gaji; lowongan",
        1: "kerja",
    },
    "DPMPTSP": {
        4: "izin usaha; perizinan; nib; oss; izin reklame; mal pelayanan publik; mpp; dpmptsp; "
        "sertifikat standar",
        2: "izin",
    },
    "DISPORA": {
        4: "gor; lapangan olahraga; olahraga; lapangan futsal; stadion; kepemudaan; atlet; "
        "dispora; bulu tangkis; futsal; basket",
        2: "lapangan",
    },
    "DISBUDPAR": {
        4: "wisata; objek wisata; pasar terapung; menara pandang; cagar budaya; festival; "
        "pariwisata; wisatawan; museum; disbudpar; ikon wisata",
        2: "budaya; atraksi",
    },
    "DISPERPUSIP": {
        4: "perpustakaan; kearsipan; arsip; pustaka; disperpusip",
        2: "buku; koleksi",
    },
    "DISPERDAGIN": {
        4: "timbangan; tera; tera ulang; ditera; elpiji; lpg; gas melon; minyak goreng; "
        "harga barang; harga sembako; operasi pasar; pangkalan; sembako; disperdagin",
        2: "langka; kelangkaan; harga",
    },
    "BAPPEDALITBANG": {
        4: "musrenbang; perencanaan pembangunan; bappeda; bappedalitbang; rpjmd; "
        "usulan pembangunan",
        2: "perencanaan; anggaran",
    },
    "BPKPAD": {
        4: "pbb; pajak bumi; njop; bphtb; pajak daerah; pajak restoran; pajak hotel; "
        "pajak reklame; aset pemkot; bpkpad; tunggakan pbb",
    },
    "BKPSDM": {
        4: "cpns; pppk; honorer; non asn; kepegawaian; bkpsdm; tenaga honorer; seleksi pppk",
        2: "asn; pegawai",
    },
    "BPBD": {
        4: "bencana; puting beliung; angin puting beliung; kabut asap; evakuasi; banjir rob; "
        "air pasang; tanah longsor; bpbd; bpbdbjm; posko; pengungsi; perahu",
        2: "asap; masker; angin kencang",
    },
    "KESBANGPOL": {
        4: "ormas; konflik sosial; bentrok; bentrokan; pemilu; kesbangpol; mediasi; "
        "intoleransi; radikal",
        2: "konflik; ketegangan",
    },
    "RSUD": {
        5: "rsud sultan suriansyah; rumah sakit daerah",
        4: "rsud; rawat inap; rawat jalan; dokter spesialis",
        1: "dokter; pasien; perawat; obat",
    },
    "PEMPROV-KALSEL": {
        5: "jalan provinsi; rsud ulin; dinas pendidikan provinsi; pajak kendaraan; pajak motor; "
        "pajak mobil; sma negeri; smk negeri; ppdb sma",
        4: "sma; sman; smk; smkn; samsat; ulin; pemprov; provinsi; balik nama kendaraan",
    },
    "PLN-UID-KALSELTENG": {
        5: "listrik padam; mati lampu; listrik mati; token listrik; tiang listrik; kabel listrik; "
        "meteran listrik; tagihan listrik",
        4: "pln; token; trafo; pemadaman; byarpet",
        3: "listrik; padam",
    },
    "BPJS-KES-BJM": {
        4: "bpjs; bpjs kesehatan; jkn; kis; kartu bpjs; iuran bpjs; faskes; kepesertaan; "
        "pasien bpjs; peserta bpjs",
        2: "iuran",
    },
    "POLRESTA-BJM": {
        4: "pencurian; dicuri; maling; curanmor; motor hilang; narkoba; sabu; narkotika; "
        "balap liar; sim; skck; polisi; polresta; begal; perampokan; judi; tindak pidana; "
        "penyelidikan; satpas",
        2: "jambret; penipuan; hilang",
    },
    "INSPEKTORAT": {
        5: "pungli; pungutan liar; korupsi; suap; gratifikasi; uang damai; uang terima kasih; "
        "pemerasan; minta uang; meminta uang; inspektorat; disiplin asn; tanpa kwitansi; "
        "tanpa tanda terima",
        3: "fee; bolos; oknum; diusut; setoran; disiplin",
    },
    "SETDA-HUKUM": {
        4: "perda; peraturan daerah; produk hukum; bantuan hukum; perwali; peraturan wali kota; "
        "jdih; bagian hukum",
    },
    "SETDA-KESRA": {
        4: "hibah; hibah keagamaan; rumah ibadah; langgar; renovasi masjid; kegiatan keagamaan",
    },
    "SETDA-PBJ": {
        4: "tender; lelang; lpse; pengadaan barang; pengadaan; e katalog; penawaran",
    },
    "SETWAN": {
        4: "dprd; anggota dewan; anggota dprd; reses; setwan; dewan",
    },
    "PDPASAR": {
        5: "di dalam pasar; dalam pasar; pengelola pasar; kepala pasar; retribusi pasar; "
        "retribusi kios; los ikan",
        4: "kios; los; pedagang pasar; pdpasar; pasar baiman",
        2: "pasar; retribusi",
    },
    "BAGIAN-PEMERINTAHAN": {
        4: "batas wilayah; batas kelurahan; tapal batas; pemekaran; penegasan batas",
    },
    "KEMENAG-BJM": {
        4: "madrasah; madrasah ibtidaiyah; kua; haji; umrah; kemenag; nikah di kua; daftar nikah",
        2: "nikah; menikah; bakawin",
    },
    "KEMEN-PUPR-BPJN": {
        5: "jalan nasional; jembatan nasional; bpjn",
    },
    AREA: {
        4: "kantor kelurahan; petugas kelurahan; pelayanan kelurahan; lurah; pak lurah; camat; "
        "kantor kecamatan; sktm; surat keterangan tidak mampu; legalisir; ahli waris",
        3: "surat pengantar; surat keterangan; surat ket; keterangan domisili; surat domisili; "
        "ketua rt",
        1: "kelurahan; kecamatan",
    },
}
