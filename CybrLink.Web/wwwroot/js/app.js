// Small helpers for the operator console (no inline scripts: the CSP allows only 'self').
window.cybrlink = {
  copyText: (text) => navigator.clipboard.writeText(text),
  // The operator's light/dark choice, remembered in this browser ("dark", "light", or null: follow the system).
  getThemeChoice: () => localStorage.getItem('cybrlink.theme'),
  setThemeChoice: (choice) => localStorage.setItem('cybrlink.theme', choice),
};
