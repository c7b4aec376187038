// Counts down the planned time of a console step; without JavaScript the planned time is shown.
for (const el of document.querySelectorAll("[data-et-timer]")) {
  let left = Number(el.dataset.etTimer);
  const show = () => {
    const m = Math.floor(Math.abs(left) / 60), s = String(Math.abs(left) % 60).padStart(2, "0");
    el.textContent = (left < 0 ? "Over by " : "Remaining: ") + `${m}:${s}`;
  };
  show();
  setInterval(() => { left -= 1; show(); }, 1000);
}
