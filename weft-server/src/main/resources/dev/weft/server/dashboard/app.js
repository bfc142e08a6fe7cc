// The dashboard's shell: hash routes to pages, the token dialog, the live indicator.
import { onUnauthorized, setToken, token } from './api.js';
import { applicationsPage, nodesPage, requestPage, requestsPage, servicesPage } from './pages.js';
import { errorBox, fill } from './ui.js';

const main = document.getElementById('main');
const tokenButton = document.getElementById('token-button');
const dialog = document.getElementById('token-dialog');
const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token-input');
const tokenWhy = document.getElementById('token-why');
const defaultWhy = tokenWhy.innerHTML;

// ---- token: asked for when the server answers 401, kept in sessionStorage (this tab only)
let asking = null;
onUnauthorized((message) => {
  if (!asking) {
    asking = new Promise((resolve) => {
      if (token()) {
        tokenWhy.textContent = 'The server refused the token: ' + message + '.';
      } else {
        tokenWhy.innerHTML = defaultWhy;
      }
      tokenInput.value = '';
      dialog.showModal();
      tokenForm.addEventListener('submit', () => {
        setToken(tokenInput.value);
        showTokenButton();
        asking = null;
        resolve();
      }, { once: true });
    });
  }
  return asking;
});
dialog.addEventListener('cancel', (e) => e.preventDefault()); // Escape: the page cannot work without it

function showTokenButton() {
  tokenButton.hidden = !token();
}
tokenButton.addEventListener('click', () => {
  setToken(null);
  showTokenButton();
  route();
});
showTokenButton();

// The skip link focuses the content instead of changing the hash (which names the page).
document.querySelector('.skip').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

// ---- routes: #/requests, #/requests/<id>, #/applications[/<name>], #/services, #/nodes
const pages = [
  [/^#\/requests\/(.+)$/, 'requests', (m) => requestPage(decodeURIComponent(m[1]))],
  [/^#\/requests(?:\?(.*))?$/, 'requests', (m) => requestsPage(new URLSearchParams(m[1] || ''))],
  [/^#\/applications(?:\/(.+))?$/, 'applications', (m) => applicationsPage(m[1] ? decodeURIComponent(m[1]) : null)],
  [/^#\/services$/, 'services', () => servicesPage()],
  [/^#\/nodes$/, 'nodes', () => nodesPage()],
];

let current = null; // { stop() } of the page shown

function route() {
  const hash = location.hash || '#/requests';
  if (current) {
    current.stop();
    current = null;
  }
  for (const [pattern, nav, make] of pages) {
    const m = hash.match(pattern);
    if (m) {
      for (const a of document.querySelectorAll('nav a')) {
        if (a.dataset.page === nav) {
          a.setAttribute('aria-current', 'page');
        } else {
          a.removeAttribute('aria-current');
        }
      }
      const page = make(m);
      current = page;
      fill(main, page.element);
      document.title = page.title + ' · Weft';
      return;
    }
  }
  fill(main, errorBox('No such page', `"${hash}" is not a page of the dashboard; pick one above.`));
}

window.addEventListener('hashchange', () => {
  route();
  main.focus({ preventScroll: true });
});
route();

// ---- live indicator: on while the page is visible (pages poll and stream only then)
const live = document.getElementById('live');
function showLive() {
  live.classList.toggle('paused', document.hidden);
  live.textContent = document.hidden ? 'paused' : 'live';
}
document.addEventListener('visibilitychange', showLive);
showLive();
