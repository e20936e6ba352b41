// The printable study sheet opens the print dialog once it has loaded.
window.addEventListener("load", () => window.print());
