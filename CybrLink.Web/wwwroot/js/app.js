// Small helpers for the operator console (no inline scripts: the CSP allows only 'self').
window.cybrlink = {
  copyText: (text) => navigator.clipboard.writeText(text),
};
