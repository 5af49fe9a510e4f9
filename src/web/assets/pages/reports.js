/* global window */
import { download, get } from '../api.js';
import { h, replace, s } from '../dom.js';
import { field } from '../forms.js';
import { day, label, t } from '../i18n.js';
import {
  button,
  empty,
  errorContent,
  heading,
  link,
  loading,
  notice,
  pagedList,
  queryParams,
  section,
  setQueryParams,
  table,
  personName,
} from '../ui.js';
import { withQuery } from '../api.js';

const GROUPS = ['sex', 'ageBand', 'organisation', 'country', 'course'];
const MEASURES = ['enrolled', 'completed', 'certified'];

function groupLabel(row, groups) {
  if (groups.length === 0) return t('reports.total');
  return groups
    .map((g) => {
      const v = row[g];
      if (g === 'sex') return label('sex', v);
      if (g === 'ageBand') return label('ageBand', v);
      if (g === 'organisation') return v ? v.name : t('reports.noOrganisation');
      if (g === 'course') return v ? v.code : '—';
      return v ?? '—';
    })
    .join(' · ');
}

/**
 * Horizontal grouped bars drawn as inline SVG: one row per group, a bar per measure, the
 * number written beside each bar (so the chart reads without colour) and a text table below.
 */
export function barChart(rows, title) {
  const max = Math.max(1, ...rows.flatMap((r) => MEASURES.map((m) => r[m])));
  // Drawn at the size it is shown, so its text stays readable on a phone.
  const width = Math.round(Math.min(640, Math.max(300, window.innerWidth - 56)));
  const labelW = width < 480 ? 96 : 150;
  const barH = 14;
  const gap = 10;
  const groupH = MEASURES.length * barH + gap;
  const plot = width - labelW - 50;
  const height = rows.length * groupH;
  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      class: 'chart',
      role: 'img',
      'aria-label': title,
      preserveAspectRatio: 'xMinYMin meet',
    },
    s('title', {}, title),
    rows.map((r, i) => {
      const y0 = i * groupH;
      return s(
        'g',
        {},
        s(
          'text',
          {
            x: labelW - 8,
            y: y0 + (MEASURES.length * barH) / 2 + 4,
            'text-anchor': 'end',
            class: 'chart__label',
          },
          truncate(r.label, width < 480 ? 13 : 22),
        ),
        MEASURES.map((m, j) => {
          const w = Math.max(r[m] > 0 ? 2 : 0, (r[m] / max) * plot);
          const y = y0 + j * barH;
          return s(
            'g',
            {},
            s('rect', {
              x: labelW,
              y,
              width: w,
              height: barH - 2,
              class: `chart__bar chart__bar--${m}`,
            }),
            s('text', { x: labelW + w + 4, y: y + barH - 4, class: 'chart__value' }, String(r[m])),
          );
        }),
      );
    }),
  );
  // The legend is HTML, so it wraps on a narrow screen instead of running off the chart.
  const legend = h(
    'ul',
    { class: 'chart-legend' },
    MEASURES.map((m) =>
      h(
        'li',
        {},
        h('span', { class: `chart-legend__swatch chart-legend__swatch--${m}` }),
        t(`reports.${m}`),
      ),
    ),
  );
  return h('figure', { class: 'chart-wrap' }, svg, legend);
}

function truncate(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function monthsBetween(from, to) {
  const out = [];
  let [y, m] = from.split('-').map(Number);
  const [ey, em] = to.split('-').map(Number);
  while ((y < ey || (y === ey && m <= em)) && out.length < 24) {
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const mm = String(m).padStart(2, '0');
    out.push({ label: `${y}-${mm}`, from: `${y}-${mm}-01`, to: `${y}-${mm}-${last}` });
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

function isoMonthsAgo(n) {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString().slice(0, 10);
}

function trainingSection() {
  const q = queryParams();
  const chosen = (q.groupBy || 'sex').split(',').filter((g) => GROUPS.includes(g));
  const out = h('div', { 'aria-live': 'polite' });
  const f = h(
    'form',
    { class: 'filters' },
    h(
      'div',
      { class: 'filters__grid' },
      field({
        name: 'from',
        label: t('reports.from'),
        type: 'date',
        value: q.from,
        hint: t('reports.periodHint'),
      }),
      field({ name: 'to', label: t('reports.to'), type: 'date', value: q.to }),
    ),
    field({
      name: 'groupBy',
      label: t('reports.groupBy'),
      type: 'checkboxes',
      value: chosen,
      options: GROUPS.map((g) => [g, t(`reports.group.${g}`)]),
    }),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('reports.show')),
      button(t('reports.csv'), () => csv(), { kind: 'secondary' }),
    ),
  );
  const values = () => ({
    from: f.elements.namedItem('from').value,
    to: f.elements.namedItem('to').value,
    groupBy: [...f.querySelectorAll('input[name="groupBy"]:checked')].map((i) => i.value).join(','),
  });
  const csv = async () => {
    try {
      await download(
        withQuery('/api/v1/reports/training', values()),
        'text/csv',
        'training-report.csv',
      );
    } catch (err) {
      replace(out, notice('error', ...errorContent(err)));
    }
  };
  const show = async () => {
    const v = values();
    setQueryParams(v);
    replace(out, loading());
    try {
      const report = await get('/api/v1/reports/training', v);
      const groups = v.groupBy ? v.groupBy.split(',') : [];
      const rows = report.rows.map((r) => ({ ...r, label: groupLabel(r, groups) }));
      if (rows.length === 0 || rows.every((r) => r.enrolled === 0 && r.certified === 0)) {
        replace(out, empty(t('reports.empty')));
        return;
      }
      const title = t('reports.chartTitle', {
        groups: groups.map((g) => t(`reports.group.${g}`)).join(', ') || t('reports.total'),
      });
      replace(
        out,
        h('h3', {}, title),
        barChart(rows.slice(0, 40), title),
        rows.length > 40 ? h('p', { class: 'hint' }, t('reports.chartCapped', { n: 40 })) : null,
        measuresTable(t('reports.group'), rows, title),
      );
    } catch (err) {
      replace(out, notice('error', ...errorContent(err)));
    }
  };
  f.addEventListener('submit', (event) => {
    event.preventDefault();
    void show();
  });
  void show();
  return section(
    t('reports.training'),
    h('p', { class: 'hint' }, t('reports.trainingHint')),
    f,
    out,
  );
}

/** The rows' labels, then enrolled, completed and certified. */
function measuresTable(firstColumn, rows, caption) {
  return table(
    [
      { label: firstColumn, cell: (r) => r.label },
      ...MEASURES.map((m) => ({
        label: t(`reports.${m}`),
        cell: (r) => String(r[m]),
        class: 'num',
      })),
    ],
    rows,
    { caption, compact: true },
  );
}

function overTimeSection() {
  const out = h('div', { 'aria-live': 'polite' });
  const f = h(
    'form',
    { class: 'filters' },
    h(
      'div',
      { class: 'filters__grid' },
      field({ name: 'from', label: t('reports.from'), type: 'date', value: isoMonthsAgo(11) }),
      field({
        name: 'to',
        label: t('reports.to'),
        type: 'date',
        value: new Date().toISOString().slice(0, 10),
        hint: t('reports.monthsHint'),
      }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('reports.show')),
    ),
  );
  const show = async () => {
    const from = f.elements.namedItem('from').value;
    const to = f.elements.namedItem('to').value;
    if (!from || !to || from > to) {
      replace(out, notice('error', t('reports.badPeriod')));
      return;
    }
    replace(out, loading());
    try {
      const months = monthsBetween(from, to);
      // One aggregate over the whole period, grouped by month in SQL; empty months show as 0.
      const report = await get('/api/v1/reports/training', {
        from: months[0]?.from ?? from,
        to: months.at(-1)?.to ?? to,
        groupBy: 'month',
      });
      const byMonth = new Map(report.rows.map((r) => [r.month, r]));
      const rows = months.map((m) => {
        const total = byMonth.get(m.label) || { enrolled: 0, completed: 0, certified: 0 };
        return {
          label: m.label,
          enrolled: total.enrolled,
          completed: total.completed,
          certified: total.certified,
        };
      });
      const title = t('reports.overTimeTitle', {
        from: months[0]?.label ?? from,
        to: months.at(-1)?.label ?? to,
      });
      replace(out, barChart(rows, title), measuresTable(t('reports.month'), rows, title));
    } catch (err) {
      replace(out, notice('error', ...errorContent(err)));
    }
  };
  f.addEventListener('submit', (event) => {
    event.preventDefault();
    void show();
  });
  void show();
  return section(
    t('reports.overTime'),
    h('p', { class: 'hint' }, t('reports.overTimeHint')),
    f,
    out,
  );
}

function expiringSection() {
  const out = h('div', { 'aria-live': 'polite' });
  const f = h(
    'form',
    { class: 'filters filters--inline' },
    field({
      name: 'withinDays',
      label: t('reports.withinDays'),
      type: 'number',
      value: 90,
      min: 1,
      max: 3650,
      step: 1,
    }),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('reports.show')),
      button(
        t('reports.csv'),
        async () => {
          try {
            await download(
              withQuery('/api/v1/reports/expiring', {
                withinDays: f.elements.namedItem('withinDays').value,
              }),
              'text/csv',
              'expiring-certificates.csv',
            );
          } catch (err) {
            replace(out, notice('error', ...errorContent(err)));
          }
        },
        { kind: 'secondary' },
      ),
    ),
  );
  const show = () =>
    pagedList(
      out,
      (cursor) =>
        get('/api/v1/reports/expiring', {
          withinDays: f.elements.namedItem('withinDays').value,
          cursor,
          limit: 50,
        }),
      (items) =>
        table(
          [
            { label: t('cert.validUntil'), cell: (c) => day(c.validUntil) },
            {
              label: t('cert.serial'),
              cell: (c) =>
                link(c.serial, `/app/certificates/${c.certificateId}`, {}, { class: 'mono' }),
            },
            { label: t('field.holder'), cell: (c) => personName(c.holder) },
            { label: t('field.organisation'), cell: (c) => c.organisation?.name ?? '—' },
            { label: t('field.course'), cell: (c) => `${c.course.code} · ${c.course.title}` },
          ],
          items,
        ),
      t('reports.noneExpiring'),
    );
  f.addEventListener('submit', (event) => {
    event.preventDefault();
    void show();
  });
  void show();
  return section(t('reports.expiring'), f, out);
}

export default async function render(root) {
  root.append(heading(t('reports.title')), trainingSection(), overTimeSection(), expiringSection());
}
