// The invitations page. It signs the admin in (authorization code + PKCE, public client) and calls the invitation
// admin API with the admin's own access token, so it can do exactly what that token may. Tokens live in memory only;
// the PKCE verifier and state live in sessionStorage for the one round trip to the sign-in page.
'use strict';

(function () {
  const cfg = JSON.parse(document.getElementById('page-config').textContent);
  const PAGE_SIZE = 20;
  const PKCE_KEY = 'invitations-page-pkce';

  // The realm whose invitations are managed: this page's realm, or ?realm= (a master-realm admin signs in at
  // /realms/master/invitations/manage/?realm=flowise). Kept across the sign-in round trip, which drops the query.
  const TARGET_KEY = 'invitations-page-realm';
  const pageQuery = new URLSearchParams(location.search);
  const asked = pageQuery.get('realm');
  if (asked && /^[A-Za-z0-9._-]{1,255}$/.test(asked)) sessionStorage.setItem(TARGET_KEY, asked);
  else if (!pageQuery.has('code') && !pageQuery.has('error')) sessionStorage.removeItem(TARGET_KEY); // a fresh visit
  const target = sessionStorage.getItem(TARGET_KEY) || cfg.realm;
  const apiUrl = cfg.adminUrl + encodeURIComponent(target) + '/invitations';
  const consoleUserUrl = cfg.consoleUrl + '#/' + encodeURIComponent(target) + '/users/';
  // The address the page shows once signed in: the code gone, the managed realm kept (so a reload stays on it).
  const cleanUrl = cfg.pageUrl + (target === cfg.realm ? '' : '?realm=' + encodeURIComponent(target));

  const state = { tokens: null, options: null, status: '', email: '', cursors: [null], page: 0, rows: [], bulk: null };

  // ---------------------------------------------------------------------------------------------------- texts

  function t(key, ...args) {
    const text = cfg.messages[key] !== undefined ? cfg.messages[key] : key;
    return text.replace(/\{(\d)\}/g, (m, i) => (args[+i] !== undefined ? String(args[+i]) : m));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (name === 'text') node.textContent = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : value);
    });
    children.flat().forEach(child => node.append(child instanceof Node ? child : document.createTextNode(String(child))));
    return node;
  }

  const $ = id => document.getElementById(id);
  const when = millis => (millis ? new Date(millis).toLocaleString(cfg.locale) : '');

  // ---------------------------------------------------------------------------------------------------- sign-in

  function base64url(bytes) {
    return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function random() {
    return base64url(crypto.getRandomValues(new Uint8Array(32)));
  }

  async function signInRedirect() {
    const verifier = random();
    const stateValue = random();
    const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state: stateValue }));
    const url = new URL(cfg.authUrl);
    url.search = new URLSearchParams({
      client_id: cfg.clientId, redirect_uri: cfg.pageUrl, response_type: 'code', scope: 'openid',
      state: stateValue, code_challenge: challenge, code_challenge_method: 'S256', ui_locales: cfg.locale
    }).toString();
    location.assign(url.toString());
  }

  async function tokenRequest(form) {
    const response = await fetch(cfg.tokenUrl, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(Object.assign({ client_id: cfg.clientId }, form))
    });
    if (!response.ok) return null;
    const tokens = await response.json();
    tokens.expiresAt = Date.now() + tokens.expires_in * 1000;
    return tokens;
  }

  /** True when signed in; false when the page is on its way to the sign-in page. */
  async function signIn() {
    const params = new URLSearchParams(location.search);
    if (!params.has('code') && !params.has('error')) {
      await signInRedirect();
      return false;
    }
    const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || 'null');
    sessionStorage.removeItem(PKCE_KEY);
    history.replaceState(null, '', cleanUrl); // the code leaves the address bar and the history
    if (params.has('error')) {
      showLoadingError(t('signInFailed', params.get('error')));
      return false;
    }
    if (!saved || saved.state !== params.get('state')) {
      await signInRedirect(); // a stale or foreign response: start over rather than trust it
      return false;
    }
    state.tokens = await tokenRequest({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: cfg.pageUrl, code_verifier: saved.verifier
    });
    if (!state.tokens) {
      showLoadingError(t('signInFailed', 'token'));
      return false;
    }
    return true;
  }

  async function accessToken() {
    if (state.tokens.expiresAt - Date.now() < 15000) {
      const refreshed = state.tokens.refresh_token
        ? await tokenRequest({ grant_type: 'refresh_token', refresh_token: state.tokens.refresh_token }) : null;
      if (!refreshed) {
        await signInRedirect();
        throw new Error('signing in again');
      }
      state.tokens = refreshed;
    }
    return state.tokens.access_token;
  }

  function claims() {
    try {
      const part = state.tokens.id_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), c => c.charCodeAt(0))));
    } catch (e) {
      return {};
    }
  }

  function signOut() {
    const url = new URL(cfg.logoutUrl);
    url.search = new URLSearchParams({
      client_id: cfg.clientId, id_token_hint: state.tokens.id_token, post_logout_redirect_uri: cfg.pageUrl
    }).toString();
    location.assign(url.toString());
  }

  // ---------------------------------------------------------------------------------------------------- API

  /** {status, json}; the API answers errors as {error, error_description, field}. */
  async function api(method, path, body, contentType) {
    const headers = { Authorization: 'Bearer ' + await accessToken(), Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = contentType || 'application/json';
    let response;
    try {
      response = await fetch(apiUrl + path, {
        method, headers, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body))
      });
    } catch (e) {
      return { status: 0, json: { error_description: t('errorNetwork') } };
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    return { status: response.status, json };
  }

  function errorSentence(answer) {
    return (answer.json && answer.json.error_description) || t('errorGeneric', answer.status);
  }

  // ---------------------------------------------------------------------------------------------------- notices

  function notice(text, kind) {
    const box = $('notice');
    box.replaceChildren(el('div', { class: 'pf-v5-c-alert pf-m-inline pf-m-' + (kind || 'success') },
      el('p', { class: 'pf-v5-c-alert__title', text })));
  }

  function showLoadingError(text) {
    $('loading').replaceChildren(el('div', { class: 'pf-v5-c-alert pf-m-danger', role: 'alert' },
      el('p', { class: 'pf-v5-c-alert__title', text })));
  }

  // ---------------------------------------------------------------------------------------------------- list

  function query(extra) {
    const params = new URLSearchParams();
    if (state.status) params.set('status', state.status);
    if (state.email) params.set('email', state.email);
    Object.entries(extra || {}).forEach(([k, v]) => v !== null && v !== undefined && params.set(k, v));
    const text = params.toString();
    return text ? '?' + text : '';
  }

  async function loadCounts() {
    const answer = await api('GET', '/counts' + (state.email ? '?email=' + encodeURIComponent(state.email) : ''));
    if (answer.status !== 200) return;
    Object.entries(answer.json).forEach(([status, count]) => {
      const badge = document.querySelector('[data-count="' + status + '"]');
      if (badge) badge.textContent = count.exact ? count.count.toLocaleString(cfg.locale) : t('countMore', count.count.toLocaleString(cfg.locale));
    });
  }

  async function loadPage() {
    const after = state.cursors[state.page];
    const answer = await api('GET', query({ after, max: PAGE_SIZE + 1 }));
    if (answer.status !== 200) {
      notice(errorSentence(answer), 'danger');
      return;
    }
    const rows = answer.json.slice(0, PAGE_SIZE);
    state.rows = rows;
    const last = rows[rows.length - 1];
    state.cursors[state.page + 1] = answer.json.length > PAGE_SIZE && last ? last.createdAt + ':' + last.id : undefined;
    $('rows').replaceChildren(...rows.map(row));
    $('empty').hidden = rows.length > 0;
    $('previous-page').disabled = state.page === 0;
    $('next-page').disabled = !state.cursors[state.page + 1];
    $('page-number').textContent = t('pageNumber', state.page + 1);
    document.querySelectorAll('#status-tabs [data-status]').forEach(tab => {
      const current = tab.dataset.status === state.status;
      tab.parentElement.classList.toggle('pf-m-current', current);
      tab.setAttribute('aria-selected', String(current));
    });
  }

  async function refresh(resetPaging) {
    if (resetPaging) {
      state.cursors = [null];
      state.page = 0;
    }
    await Promise.all([loadPage(), loadCounts()]);
  }

  /** Where the invitation email stands; a failure shows the mail server's own words. */
  function delivery(d) {
    if (!d || d.status === 'NONE') return [t('deliveryNONE')];
    const parts = [d.status === 'SENT' ? t('deliverySENT', when(d.sentAt)) : t('delivery' + d.status, d.attempts)];
    if (d.lastError) parts.push(el('div', { class: 'inv-delivery-error', text: d.lastError }));
    return parts;
  }

  function row(invitation) {
    const access = [...(invitation.roles || []), ...(invitation.groups || [])].join(', ');
    const accepted = invitation.acceptedUserId
      ? [when(invitation.acceptedAt), ' · ', el('a', { href: consoleUserUrl + encodeURIComponent(invitation.acceptedUserId) + '/settings',
        target: '_blank', rel: 'noopener', text: t('acceptedBy', invitation.email, invitation.acceptedUserId.slice(0, 8)) })]
      : [];
    const actions = [];
    const open = invitation.status === 'PENDING' || invitation.status === 'EXPIRED';
    if (open && state.options.mayManage) {
      actions.push(el('button', { type: 'button', class: 'pf-v5-c-button pf-m-link pf-m-inline', 'data-action': 'resend',
        'aria-label': t('resend') + ' ' + invitation.email, onclick: () => resend(invitation), text: t('resend') }));
      actions.push(el('button', { type: 'button', class: 'pf-v5-c-button pf-m-link pf-m-danger pf-m-inline', 'data-action': 'revoke',
        'aria-label': t('revoke') + ' ' + invitation.email, onclick: () => revoke(invitation), text: t('revoke') }));
    }
    return el('tr', { class: 'pf-v5-c-table__tr', 'data-email': invitation.email, 'data-id': invitation.id },
      el('td', { class: 'pf-v5-c-table__td', 'data-label': t('colEmail'), text: invitation.email }),
      el('td', { class: 'pf-v5-c-table__td', 'data-label': t('colLoginType'), text: t('loginType' + invitation.loginType) }),
      el('td', { class: 'pf-v5-c-table__td', 'data-label': t('colStatus') }, el('span', { class: 'inv-status inv-status-' + invitation.status.toLowerCase(), 'data-status': invitation.status, text: t('status' + invitation.status) })),
      el('td', { class: 'pf-v5-c-table__td', 'data-label': t('colDelivery'), 'data-delivery': (invitation.delivery || {}).status }, delivery(invitation.delivery)),
      el('td', { class: 'pf-v5-c-table__td', 'data-label': t('colAccess'), text: access }),
      el('td', { class: 'pf-v5-c-table__td', 'data-label': t('colCreated'), text: when(invitation.createdAt) }),
      el('td', { class: 'pf-v5-c-table__td', 'data-label': t('colExpires'), text: when(invitation.expiresAt) }),
      el('td', { class: 'pf-v5-c-table__td', 'data-label': t('colAccepted') }, accepted),
      el('td', { class: 'pf-v5-c-table__td inv-row-actions' }, actions));
  }

  // ---------------------------------------------------------------------------------------------------- dialogs

  function confirmAction(title, text, yes, withEmailChoice) {
    return new Promise(resolve => {
      const dialog = $('confirm-dialog');
      $('confirm-title').textContent = title;
      $('confirm-text').textContent = text;
      $('confirm-yes').textContent = yes;
      $('confirm-send-email-row').hidden = !withEmailChoice;
      $('confirm-send-email').checked = true;
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'
        ? { sendEmail: $('confirm-send-email').checked } : null), { once: true });
      dialog.returnValue = '';
      dialog.showModal();
    });
  }

  function showLink(email, link) {
    $('link-for').textContent = t('linkFor', email);
    $('link-value').value = link;
    $('link-dialog').showModal();
    $('link-value').select();
  }

  async function resend(invitation) {
    const choice = await confirmAction(t('resendTitle'), t('resendText', invitation.email), t('resend'), true);
    if (!choice) return;
    const answer = await api('POST', '/' + encodeURIComponent(invitation.id) + '/resend', { sendEmail: choice.sendEmail });
    if (answer.status !== 200) {
      notice(errorSentence(answer), 'danger');
      return;
    }
    if (answer.json.link) {
      notice(t('resendNoEmail', invitation.email));
      showLink(invitation.email, answer.json.link);
    } else {
      notice(t('resendDone', invitation.email));
    }
    await refresh(false);
  }

  async function revoke(invitation) {
    const choice = await confirmAction(t('revokeTitle'), t('revokeText', invitation.email), t('revoke'), false);
    if (!choice) return;
    const answer = await api('DELETE', '/' + encodeURIComponent(invitation.id));
    if (answer.status !== 204) {
      notice(errorSentence(answer), 'danger');
      return;
    }
    notice(t('revokeDone', invitation.email));
    await refresh(false);
  }

  // ---------------------------------------------------------------------------------------------------- invite

  function fillInviteForm() {
    const o = state.options;
    $('f-idp').replaceChildren(...o.identityProviders.map(p => el('option', { value: p.alias, text: p.displayName })));
    const choices = (container, name, values) => container.replaceChildren(...(values.length ? values.map((value, i) =>
      el('label', { class: 'pf-v5-c-check' },
        el('input', { class: 'pf-v5-c-check__input', type: 'checkbox', name, value, id: 'f-' + name + '-' + i }),
        ' ', el('span', { class: 'pf-v5-c-check__label', text: value }))) : [el('span', { text: t('noChoices') })]));
    choices($('f-roles'), 'roles', o.roles);
    choices($('f-groups'), 'groups', o.groups);
    $('f-locale').replaceChildren(el('option', { value: '', text: t('defaultLocale') }),
      ...o.locales.map(l => el('option', { value: l, text: l })));
    $('f-expiry').placeholder = o.defaultExpiresInHours;
    $('f-expiry').max = o.maxExpiresInHours;
    $('f-redirect').placeholder = o.defaultRedirectUri || '';
  }

  function clearErrors(form) {
    form.querySelectorAll('.inv-error').forEach(p => { p.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(input => input.removeAttribute('aria-invalid'));
  }

  function showFieldError(form, field, text, fallback) {
    const target = field && form.querySelector('[data-error-for="' + field + '"]');
    (target || fallback).textContent = text;
    const input = field && form.querySelector('[name="' + field + '"]');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }

  function openInvite() {
    const form = $('invite-form');
    form.reset();
    clearErrors(form);
    syncLoginType();
    $('invite-dialog').showModal();
    $('f-email').focus();
  }

  function syncLoginType() {
    const sso = $('f-login-sso').checked;
    $('idp-group').hidden = !sso;
    $('f-idp').disabled = !sso;
  }

  async function submitInvite(event) {
    event.preventDefault();
    const form = $('invite-form');
    clearErrors(form);
    const data = new FormData(form);
    const body = { email: data.get('email'), loginType: data.get('loginType') };
    if (body.loginType === 'SSO' && data.get('identityProvider')) body.identityProvider = data.get('identityProvider');
    body.roles = data.getAll('roles');
    body.groups = data.getAll('groups');
    ['firstName', 'lastName', 'redirectUri', 'locale'].forEach(name => {
      const value = (data.get(name) || '').trim();
      if (value) body[name] = value;
    });
    const hours = (data.get('expiresInHours') || '').trim();
    if (hours) body.expiresInHours = Number(hours);
    body.sendEmail = data.get('delivery') === 'email';
    $('invite-submit').disabled = true;
    const answer = await api('POST', '', body);
    $('invite-submit').disabled = false;
    if (answer.status !== 201) {
      showFieldError(form, answer.json && answer.json.field, errorSentence(answer), $('invite-form-error'));
      return;
    }
    $('invite-dialog').close();
    if (answer.json.link) {
      notice(t('linkFor', answer.json.email));
      showLink(answer.json.email, answer.json.link);
    } else {
      notice(t('invitedEmail', answer.json.email));
    }
    await refresh(true);
  }

  // ---------------------------------------------------------------------------------------------------- bulk

  /** RFC 4180 records, as the server reads them: a quote opens a quoted cell only where the cell holds no more than spaces. */
  function csvRecords(text) {
    const records = [];
    let record = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"' && cell.trim() === '') { quoted = true; cell = ''; }
      else if (c === ',') { record.push(cell); cell = ''; }
      else if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++;
        record.push(cell); records.push(record); record = []; cell = '';
      } else cell += c;
    }
    if (cell !== '' || record.length) { record.push(cell); records.push(record); }
    return records.filter(r => !(r.length === 1 && r[0] === ''));
  }

  const csvCell = value => (/[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value);

  function table(tableNode, header, rows) {
    tableNode.replaceChildren(
      el('thead', { class: 'pf-v5-c-table__thead' }, el('tr', { class: 'pf-v5-c-table__tr' },
        header.map(h => el('th', { class: 'pf-v5-c-table__th', scope: 'col', text: h })))),
      el('tbody', { class: 'pf-v5-c-table__tbody' }, rows.map(r => el('tr', { class: 'pf-v5-c-table__tr' },
        r.map(c => el('td', { class: 'pf-v5-c-table__td' }, c))))));
  }

  function openBulk() {
    state.bulk = null;
    $('bulk-file').value = '';
    $('bulk-error').textContent = '';
    $('bulk-preview').hidden = true;
    $('bulk-results').hidden = true;
    $('bulk-download').hidden = true;
    $('bulk-submit').disabled = true;
    $('bulk-dialog').showModal();
    $('bulk-file').focus();
  }

  async function previewBulk() {
    $('bulk-results').hidden = true;
    $('bulk-download').hidden = true;
    $('bulk-error').textContent = '';
    const file = $('bulk-file').files[0];
    if (!file) return;
    let text;
    try {
      text = (await file.text()).replace(/^\uFEFF/, '');
    } catch (e) {
      $('bulk-error').textContent = t('bulkUnreadable');
      return;
    }
    const records = csvRecords(text);
    if (records.length < 2) {
      $('bulk-error').textContent = t('bulkUnreadable');
      return;
    }
    state.bulk = { text, records };
    const shown = records.slice(1, 11);
    $('bulk-preview-title').textContent = t('bulkPreviewTitle', records.length - 1);
    table($('bulk-preview-table'), records[0], records.length > 11
      ? [...shown, [t('bulkPreviewMore', records.length - 11)]] : shown);
    $('bulk-preview').hidden = false;
    $('bulk-submit').disabled = false;
  }

  async function submitBulk() {
    $('bulk-submit').disabled = true;
    $('bulk-error').textContent = '';
    const answer = await api('POST', '/bulk?sendEmail=' + $('bulk-send-email').checked, state.bulk.text, 'text/csv');
    if (answer.status !== 200) {
      $('bulk-error').textContent = errorSentence(answer);
      $('bulk-submit').disabled = false;
      return;
    }
    const result = answer.json;
    $('bulk-summary').textContent = t('bulkSummary', result.created, result.failed);
    table($('bulk-results-table'), [t('bulkRow'), t('colEmail'), t('bulkResult')], result.results.map(r => {
      const record = state.bulk.records[r.row] || [];
      const email = record[state.bulk.records[0].findIndex(h => h.trim().toLowerCase() === 'email')] || '';
      return [String(r.row), email, r.created ? (r.link ? [t('bulkCreated') + ' · ', el('code', { text: r.link })] : t('bulkCreated'))
        : (r.field ? r.field + ': ' : '') + r.error_description];
    }));
    $('bulk-preview').hidden = true;
    $('bulk-results').hidden = false;
    state.bulk.failed = result.results.filter(r => !r.created);
    $('bulk-download').hidden = state.bulk.failed.length === 0;
    await refresh(true);
  }

  /** The failed rows as they were uploaded, with each row's error in an "error" column that uploads ignore. */
  function downloadFailed() {
    const header = state.bulk.records[0].filter(h => h.trim().toLowerCase() !== 'error');
    const keep = state.bulk.records[0].map((h, i) => (h.trim().toLowerCase() !== 'error' ? i : -1)).filter(i => i >= 0);
    const lines = [[...header, 'error'].map(csvCell).join(',')];
    state.bulk.failed.forEach(r => {
      const record = state.bulk.records[r.row] || [];
      lines.push([...keep.map(i => record[i] || ''), r.error_description || ''].map(csvCell).join(','));
    });
    const link = el('a', {
      href: URL.createObjectURL(new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' })),
      download: 'invitations-failed-rows.csv'
    });
    document.body.append(link);
    link.click();
    link.remove();
  }

  // ---------------------------------------------------------------------------------------------------- SSO tests

  function ssoProviders() {
    const entra = state.options.identityProviders.filter(p => p.entra);
    $('sso-tests').hidden = entra.length === 0 || !state.options.mayTestSso;
    $('sso-providers').replaceChildren(...entra.map(p => {
      const results = el('div', { class: 'inv-sso-result', 'data-results-for': p.alias, 'aria-live': 'polite' });
      const button = el('button', { type: 'button', class: 'pf-v5-c-button pf-m-secondary', 'data-test-sso': p.alias,
        text: t('testConfiguration') + ': ' + p.displayName });
      button.addEventListener('click', () => testSso(p, button, results));
      return el('div', { class: 'inv-sso-provider' }, button, results);
    }));
  }

  async function testSso(provider, button, results) {
    button.disabled = true;
    results.replaceChildren(el('p', { text: t('testing') }));
    const answer = await api('POST', '/sso/' + encodeURIComponent(provider.alias) + '/test', {});
    button.disabled = false;
    if (answer.status !== 200) {
      results.replaceChildren(el('p', { class: 'inv-error', role: 'alert', text: errorSentence(answer) }));
      return;
    }
    const r = answer.json;
    results.replaceChildren(
      el('p', { class: r.ok ? 'inv-ok' : 'inv-error', 'data-overall': r.ok ? 'ok' : 'failed', text: r.ok ? t('testOk') : t('testFailed') }),
      el('ul', { class: 'inv-checks' }, r.checks.map(c => el('li', { 'data-check': c.name, 'data-check-status': c.status },
        el('span', { class: c.status === 'ok' ? 'inv-ok' : 'inv-error', text: c.status === 'ok' ? '✓ ' : '✗ ' }),
        el('strong', { text: c.name + ': ' }), c.message))),
      r.redirectUri ? el('p', {}, t('registerRedirect', ''), el('code', { text: r.redirectUri })) : '');
  }

  // ---------------------------------------------------------------------------------------------------- provisioning

  /** Entra ID provisioning: the Tenant URL to paste into Entra, the Secret Tokens, a new one shown once. */
  async function loadProvisioning() {
    const answer = await api('GET', '/scim');
    if (answer.status !== 200) {
      $('provisioning').hidden = true;
      return;
    }
    $('provisioning-url').textContent = answer.json.tenantUrl;
    $('provisioning-tokens').replaceChildren(...answer.json.tokens.map(token => el('li', { 'data-token-id': token.id },
      t('provisioningTokenMade', when(token.createdAt)), ' ',
      el('button', { type: 'button', class: 'pf-v5-c-button pf-m-link pf-m-danger pf-m-inline', 'data-revoke-token': token.id,
        onclick: () => revokeToken(token), text: t('revoke') }))));
    $('provisioning-new').disabled = answer.json.tokens.length >= answer.json.maxTokens;
    $('provisioning').hidden = false;
  }

  async function newToken() {
    $('provisioning-error').textContent = '';
    const answer = await api('POST', '/scim/tokens');
    if (answer.status !== 201) {
      $('provisioning-error').textContent = errorSentence(answer);
      return;
    }
    $('provisioning-token').value = answer.json.token;
    $('provisioning-issued').hidden = false;
    $('provisioning-token').select();
    await loadProvisioning();
  }

  async function revokeToken(token) {
    if (!await confirmAction(t('provisioningRevokeTitle'), t('provisioningRevokeText', when(token.createdAt)), t('revoke'))) return;
    const answer = await api('DELETE', '/scim/tokens/' + encodeURIComponent(token.id));
    if (answer.status !== 204) {
      $('provisioning-error').textContent = errorSentence(answer);
      return;
    }
    notice(t('provisioningRevoked'));
    await loadProvisioning();
  }

  // ---------------------------------------------------------------------------------------------------- start

  function wire() {
    document.querySelectorAll('dialog [data-close]').forEach(b => b.addEventListener('click', () => b.closest('dialog').close()));
    $('sign-out').addEventListener('click', signOut);
    $('search-form').addEventListener('submit', event => {
      event.preventDefault();
      state.email = $('search-email').value.trim();
      refresh(true);
    });
    document.querySelectorAll('#status-tabs [data-status]').forEach(tab => tab.addEventListener('click', () => {
      state.status = tab.dataset.status;
      refresh(true);
    }));
    $('previous-page').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); loadPage(); });
    $('next-page').addEventListener('click', () => { state.page += 1; loadPage(); });
    $('open-invite').addEventListener('click', openInvite);
    $('invite-form').addEventListener('submit', submitInvite);
    document.querySelectorAll('[name="loginType"]').forEach(r => r.addEventListener('change', syncLoginType));
    $('copy-link').addEventListener('click', async () => {
      $('link-value').select();
      try {
        await navigator.clipboard.writeText($('link-value').value);
        notice(t('copied'));
      } catch (e) {
        document.execCommand('copy');
      }
    });
    $('open-bulk').addEventListener('click', openBulk);
    $('bulk-file').addEventListener('change', previewBulk);
    $('bulk-submit').addEventListener('click', submitBulk);
    $('bulk-download').addEventListener('click', downloadFailed);
    $('provisioning-new').addEventListener('click', newToken);
  }

  async function start() {
    wire();
    if (!await signIn()) return;
    const who = claims();
    const name = who.email || who.preferred_username || '';
    $('signed-in-as').textContent = t('signedInAs', name);
    $('brand').textContent = t('pageTitle') + ' · ' + (target === cfg.realm ? cfg.realmDisplayName : target);
    $('sign-out').hidden = false;
    const answer = await api('GET', '/options');
    $('loading').hidden = true;
    if (answer.status !== 200) {
      $('refused-text').textContent = answer.status === 403 ? t('refusedText', name, target === cfg.realm ? cfg.realmDisplayName : target) : errorSentence(answer);
      $('refused').hidden = false;
      document.body.dataset.ready = 'refused';
      return;
    }
    state.options = answer.json;
    document.querySelectorAll('[data-manage]').forEach(b => { b.hidden = !state.options.mayManage; });
    fillInviteForm();
    ssoProviders();
    if (state.options.mayManage) await loadProvisioning();
    $('app').hidden = false;
    await refresh(true);
    document.body.dataset.ready = 'app';
  }

  start().catch(error => showLoadingError(String(error && error.message || error)));
}());
