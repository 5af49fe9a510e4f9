/* global window */
import { get, upload, withQuery } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { field } from '../forms.js';
import { label, t } from '../i18n.js';
import { button, errorContent, facts, heading, notice, section, table } from '../ui.js';
import { EXPORT_KINDS, IMPORT_KINDS } from '../vocabulary.js';

/**
 * Import and export of the registers (admins import; admins and auditors export). An import is
 * always checked first with the API's dry run, which writes nothing, and its report is shown
 * before the import itself is offered; the rules a row must follow are the server's, and the
 * problems are listed in its own words.
 */

/** The report's figures and problems (`row` is the line in the file; the header is line 1). */
function reportView(report) {
  const counts = facts([
    [t('data.received'), String(report.received)],
    [report.dryRun ? t('data.wouldImport') : t('data.imported'), String(report.imported)],
    [t('data.unchanged'), String(report.unchanged)],
    [t('data.invalid'), String(report.invalidCount)],
  ]);
  if (report.invalid.length === 0) return [counts];
  return [
    counts,
    h('h3', {}, t('data.problems')),
    report.invalidCount > report.invalid.length
      ? h('p', { class: 'hint' }, t('data.firstProblems', { n: report.invalid.length }))
      : null,
    table(
      [
        { label: t('data.row'), cell: (p) => String(p.row), class: 'num' },
        { label: t('data.column'), cell: (p) => p.column ?? t('data.wholeLine') },
        { label: t('data.message'), cell: (p) => p.message },
      ],
      report.invalid,
      { caption: t('data.problems') },
    ),
  ];
}

/** A file input that also takes a file dropped on it. onChange(file|null). */
function fileDrop(onChange) {
  const id = uid('file');
  const hintId = `${id}-hint`;
  const input = h('input', {
    id,
    type: 'file',
    name: 'file',
    accept: '.csv,text/csv',
    'aria-describedby': hintId,
  });
  const chosen = h('p', { class: 'drop__chosen', 'aria-live': 'polite' });
  const show = (file) => {
    replace(chosen, file ? t('data.chosen', { name: file.name }) : '');
    onChange(file ?? null);
  };
  input.addEventListener('change', () => show(input.files?.[0]));
  const zone = h(
    'div',
    { class: 'drop' },
    h('label', { for: id, class: 'drop__label' }, t('data.file')),
    h('p', { class: 'hint', id: hintId }, t('data.fileHint')),
    input,
    chosen,
  );
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('drop--over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('drop--over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('drop--over');
    const files = event.dataTransfer?.files;
    if (!files?.length) return;
    input.files = files;
    show(files[0]);
  });
  return zone;
}

function importPart() {
  const kind = field({
    name: 'kind',
    label: t('data.kind'),
    type: 'select',
    options: IMPORT_KINDS.map((k) => [k, label('importKind', k)]),
  });
  const kindSelect = kind.querySelector('select');
  const columns = h('p', { class: 'hint' });
  const showColumns = () => replace(columns, label('importColumns', kindSelect.value));
  showColumns();
  let file = null;
  /** The dry run's report for this file and kind; anything changed asks for a new one. */
  let checked = null;
  const status = h('div', { class: 'slot', tabindex: '-1', 'aria-live': 'polite' });
  const reportBox = h('div');
  const next = h('div');
  const forget = () => {
    checked = null;
    replace(reportBox);
    replace(next);
    replace(status);
  };
  kindSelect.addEventListener('change', () => {
    showColumns();
    forget();
  });
  const drop = fileDrop((f) => {
    file = f;
    forget();
  });
  const path = (options) => withQuery(`/api/v1/imports/${kindSelect.value}`, options);

  const doImport = (skip) =>
    button(t('data.import'), async () => {
      const report = checked;
      const question = skip.checked
        ? t('data.confirmSkip', { n: report.imported, invalid: report.invalidCount })
        : t('data.confirm', { n: report.imported });
      if (!window.confirm(question)) return;
      try {
        const result = await upload(
          path({ dryRun: 'false', skipInvalid: skip.checked ? 'true' : 'false' }),
          file,
          'text/csv',
        );
        checked = null;
        replace(next);
        replace(reportBox, h('h3', {}, t('data.result')), ...reportView(result));
        replace(
          status,
          notice(
            'success',
            t('data.done', { n: result.imported, unchanged: result.unchanged }),
            result.invalidCount ? ` ${t('data.doneSkipped', { n: result.invalidCount })}` : null,
          ),
        );
      } catch (err) {
        // A refusal with a report (rows or a header at fault) wrote nothing: show why.
        if (err.details && Array.isArray(err.details.invalid)) {
          replace(reportBox, h('h3', {}, t('data.dryRunReport')), ...reportView(err.details));
        }
        replace(status, notice('error', ...errorContent(err)));
      }
      status.focus();
    });

  const dryRun = button(t('data.check'), async () => {
    forget();
    if (!file) {
      replace(status, notice('error', t('error.FILE_MISSING')));
      return;
    }
    try {
      const report = await upload(path({ dryRun: 'true' }), file, 'text/csv');
      checked = report;
      replace(reportBox, h('h3', {}, t('data.dryRunReport')), ...reportView(report));
      const nothing = report.imported === 0;
      replace(
        status,
        notice(
          report.invalidCount ? 'error' : 'info',
          nothing && !report.invalidCount
            ? t('data.nothingNew')
            : report.invalidCount
              ? t('data.checkedProblems', { n: report.invalidCount })
              : t('data.checkedFine', { n: report.imported }),
        ),
      );
      if (nothing) return;
      // Skipping invalid rows is a choice to make knowingly: off until ticked.
      const skipId = uid('skip');
      const skip = h('input', { type: 'checkbox', id: skipId });
      const offer = [];
      if (report.invalidCount) {
        offer.push(
          h(
            'div',
            { class: 'field field--check' },
            h('div', { class: 'check' }, skip, h('label', { for: skipId }, t('data.skipInvalid'))),
            h('p', { class: 'hint' }, t('data.skipInvalidHint')),
          ),
        );
      }
      const go = doImport(skip);
      if (report.invalidCount) {
        go.disabled = true;
        skip.addEventListener('change', () => {
          go.disabled = !skip.checked;
        });
      }
      replace(next, offer, h('div', { class: 'form-actions' }, go));
    } catch (err) {
      replace(status, notice('error', ...errorContent(err)));
    }
    status.focus();
  });

  return section(
    t('data.importTitle'),
    h('p', {}, t('data.importIntro')),
    h('div', { class: 'form' }, kind, columns, drop),
    h('div', { class: 'form-actions' }, dryRun),
    status,
    reportBox,
    next,
  );
}

function exportPart() {
  const status = h('div', { class: 'slot', 'aria-live': 'polite' });
  // A plain link: the browser saves the file as the server streams it (a large register is
  // never held in the page). The session's cookies go with it, as with any GET; the cheap
  // question first renews an expired session, so the file is not a sign-in refusal instead.
  const links = EXPORT_KINDS.map((kind) => {
    const a = h(
      'a',
      {
        class: 'btn btn--secondary',
        href: `/api/v1/exports/${kind}`,
        // The server names the file (its kind and today's date).
        download: true,
      },
      label('exportKind', kind),
    );
    let renewed = false;
    a.addEventListener('click', async (event) => {
      if (renewed) {
        renewed = false;
        return;
      }
      event.preventDefault();
      replace(status);
      try {
        await get('/api/v1/auth/me');
      } catch (err) {
        replace(status, notice('error', ...errorContent(err)));
        return;
      }
      renewed = true;
      a.click();
    });
    return h('li', {}, a);
  });
  return section(
    t('data.exportTitle'),
    h('p', {}, t('data.exportIntro')),
    h('ul', { class: 'downloads' }, links),
    status,
  );
}

export default async function render(root, { may }) {
  root.append(heading(t('data.title')));
  if (may('imports.run')) root.append(importPart());
  if (may('exports.read')) root.append(exportPart());
}
