/**
 * 名册导入: an admin imports a registry file (CSV with a header row, or JSON), all or nothing,
 * after a confirmation naming the file; the answer says how many licences were added, updated
 * and left as they were, or every problem line by line in words, with nothing changed.
 */
import { button, h } from '../../../shared/web/dom.js';
import type { Screen } from '../../../shared/web/screens.js';
import { ApiError } from '../common/api.js';
import { importRegistry } from './admin-api.js';
import { i18n, inSection, problem, t } from './frame.js';
import { issueWords, type ImportIssue } from './import-words.js';
import { confirmFirst, notice } from './ui.js';

/** The type the service reads a file as: by its name, else by the type the browser gives. */
function typeOf(file: File): 'text/csv' | 'application/json' | undefined {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv') || file.type === 'text/csv') return 'text/csv';
  if (name.endsWith('.json') || file.type === 'application/json') return 'application/json';
  return undefined;
}

export const importScreen: Screen = (main) => {
  inSection('import');
  // The browser's own file button speaks the browser's language: a label of ours stands for it.
  const input = h('input', {
    type: 'file',
    id: 'import-file',
    class: 'file-input',
    accept: '.csv,.json,text/csv,application/json',
  });
  const chosen = h('span', { class: 'file-name', id: 'import-file-name' }, t('noFile'));
  input.addEventListener('change', () => {
    chosen.textContent = input.files?.[0]?.name ?? t('noFile');
  });
  const picker = h(
    'div',
    { class: 'field' },
    h('span', {}, t('importFile')),
    h(
      'div',
      { class: 'row file-row' },
      input,
      h('label', { class: 'secondary file-button', for: 'import-file' }, t('chooseFile')),
      chosen,
    ),
    h('small', { class: 'hint' }, t('importFileHint')),
  );
  const status = h('div', { 'aria-live': 'polite', id: 'import-status' });
  const result = h('div', { id: 'import-result' });
  const run = button({ class: 'primary', id: 'import-run' }, t('importRun'), () => {
    result.replaceChildren();
    const file = input.files?.[0];
    if (file === undefined) {
      status.replaceChildren(problem(new Error(t('importChoose'))));
      return;
    }
    const type = typeOf(file);
    if (type === undefined) {
      status.replaceChildren(problem(new Error(t('importType'))));
      return;
    }
    confirmFirst(
      status,
      t('confirmImport', { name: file.name, size: sizeWords(file.size) }),
      () => {
        status.replaceChildren(h('p', { class: 'muted' }, t('importing')));
        importRegistry(file, type).then(
          (summary) => {
            status.replaceChildren();
            result.replaceChildren(notice(t('imported', summary), 'import-done'));
          },
          (error: unknown) => {
            status.replaceChildren();
            result.replaceChildren(...refusal(error));
          },
        );
      },
    );
  });
  main.append(
    h('h2', {}, t('section_import')),
    h(
      'section',
      { class: 'card form', id: 'import-form' },
      h('p', {}, t('importAbout')),
      picker,
      run,
      status,
    ),
    result,
  );
};

/** A size in kB or MB. */
function sizeWords(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} kB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Why the file was refused: the words of the code, and each problem of each line. */
function refusal(error: unknown): HTMLElement[] {
  const out = [problem(error)];
  if (!(error instanceof ApiError)) return out;
  const { errors, format, line } = error.body as {
    errors?: ImportIssue[];
    format?: 'csv' | 'json';
    line?: number;
  };
  if (typeof line === 'number') out.push(h('p', {}, t('importMalformedLine', { line })));
  if (Array.isArray(errors) && errors.length > 0) {
    const rows = new Set(errors.map((e) => e.line)).size;
    out.push(
      h('p', { id: 'import-error-count' }, t('importProblems', { n: errors.length, rows })),
      h(
        'ol',
        { class: 'plain issues', id: 'import-errors' },
        ...errors.map((e) =>
          h('li', { 'data-line': String(e.line) }, issueWords(e, format ?? 'csv', i18n.lang())),
        ),
      ),
    );
  }
  return out;
}
