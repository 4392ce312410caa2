// Small helpers for the operator console (no inline scripts: the CSP allows only 'self').
(() => {
  const themeKey = 'cybrlink.theme';
  // A year; the server reads the cookie to prerender the chosen mode (Components/Layout/ThemeChoice.cs).
  const rememberInCookie = (choice) => {
    document.cookie = `${themeKey}=${choice}; path=/; max-age=31536000; samesite=lax`;
  };

  window.cybrlink = {
    copyText: (text) => navigator.clipboard.writeText(text),
    // The operator's light/dark choice, remembered in this browser ("dark", "light", or null: follow the system).
    getThemeChoice: () => {
      const choice = localStorage.getItem(themeKey);
      if (choice) {
        rememberInCookie(choice);
      }
      return choice;
    },
    setThemeChoice: (choice) => {
      localStorage.setItem(themeKey, choice);
      rememberInCookie(choice);
    },
  };

  // "Skip to content": moves focus to the main landmark itself. A plain #main-content link would resolve against
  // <base href="/"> and navigate to the overview instead. Runs before Blazor's own link handling (capture phase).
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a.skip-link') : null;
    const main = document.getElementById('main-content');
    if (link && main) {
      event.preventDefault();
      main.focus();
      main.scrollIntoView();
    }
  }, true);
})();

// A table wider than the page scrolls inside its container; keyboard users must be able to reach and scroll it
// (WCAG 2.1.1), so every MudBlazor table container is focusable and named after its table.
(() => {
  const label = (container) => {
    if (container.hasAttribute('tabindex')) return;
    container.setAttribute('tabindex', '0');
    container.setAttribute('role', 'region');
    const table = container.querySelector('table');
    container.setAttribute('aria-label', (table && table.getAttribute('aria-label')) || 'Table');
  };
  const scan = () => document.querySelectorAll('.mud-table-container').forEach(label);
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
  scan();
})();
