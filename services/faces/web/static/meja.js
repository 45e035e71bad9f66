// Canned responses: choosing one puts its text in the box (still editable) and picks its action.
document.addEventListener("change", (event) => {
  const chosen = event.target;
  if (!chosen.classList || !chosen.classList.contains("jawaban-siap") || !chosen.value) return;
  const box = document.getElementById(chosen.dataset.teks);
  const action = document.getElementById(chosen.dataset.aksi);
  const option = chosen.options[chosen.selectedIndex];
  if (box) { box.value = chosen.value; box.focus(); }
  if (action && option.dataset.aksi) action.value = option.dataset.aksi;
});
