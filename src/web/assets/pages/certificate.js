import { get, post, raw } from '../api.js';
import { h, replace } from '../dom.js';
import { form } from '../forms.js';
import { dateTime, day, label, t } from '../i18n.js';
import { pdfButton, shareButton, validUntil } from '../certs.js';
import {
  badge,
  button,
  errorContent,
  facts,
  heading,
  link,
  notice,
  pagedList,
  pathId,
  personName,
  section,
} from '../ui.js';
import { eventsTable } from './audit.js';
import { STATUS_REASONS } from '../vocabulary.js';

function statusForm(cert, redraw) {
  // What the caller may do is the server's answer (one lifecycle rule), never worked out here.
  const actions = cert.allowedActions ?? [];
  if (actions.length === 0)
    return section(t('certificate.manage'), h('p', { class: 'muted' }, t('certificate.final')));
  return section(
    t('certificate.manage'),
    form({
      fields: [
        {
          name: 'action',
          label: t('certificate.action'),
          type: 'select',
          required: true,
          options: [['', t('filter.choose')], ...actions.map((a) => [a, t(`certificate.do.${a}`)])],
        },
        {
          name: 'reason',
          label: t('field.reason'),
          type: 'select',
          required: true,
          options: [
            ['', t('filter.choose')],
            ...STATUS_REASONS.map((r) => [r, label('reason', r)]),
          ],
        },
        {
          name: 'note',
          label: t('certificate.note'),
          type: 'textarea',
          maxlength: 1000,
          hint: t('certificate.noteHint'),
        },
      ],
      submitLabel: t('certificate.apply'),
      confirm: (v) =>
        t(v.action === 'revoke' ? 'certificate.confirmRevoke' : 'certificate.confirmChange', {
          action: t(`certificate.do.${v.action}`),
          serial: cert.serial,
        }),
      onSubmit: (v) =>
        post(`/api/v1/certificates/${cert.id}/${v.action}`, { reason: v.reason, note: v.note }),
      onDone: (c) =>
        redraw(
          notice('success', t('certificate.changed', { status: label('certStatus', c.status) })),
        ),
    }),
  );
}

function credentialSection(cert) {
  const slot = h('div', { class: 'slot' });
  return section(
    t('certificate.credential'),
    h('p', { class: 'hint' }, t('certificate.credentialHint')),
    slot,
    button(
      t('certificate.showCredential'),
      async () => {
        try {
          const c = await get(`/api/v1/certificates/${cert.id}/credential`);
          replace(
            slot,
            h('label', { for: 'vc-jwt' }, 'vc+jwt'),
            h('textarea', { id: 'vc-jwt', readonly: true, rows: 6, class: 'mono' }, c.jwt),
          );
        } catch (err) {
          replace(slot, notice('error', ...errorContent(err)));
        }
      },
      { kind: 'secondary' },
    ),
  );
}

/**
 * The same QR code as on the PDF (issue 19): the verification link with the signed token, which
 * an inspector can check even without a connection. Drawn from the server's SVG as a data: URL
 * (the CSP allows images from 'self' and data:), fetched with the session like any API call.
 */
function qrSection(cert) {
  const figure = h('div', { class: 'qr' });
  const load = async () => {
    try {
      const svg = await (await raw('GET', `/api/v1/certificates/${cert.id}/qr.svg`)).text();
      // Three whole pixels a module: a scaled code with uneven modules reads badly from a screen.
      const side = Number(/viewBox="0 0 (\d+) /.exec(svg)?.[1]) || 80;
      replace(
        figure,
        h('img', {
          class: 'qr__image',
          src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`,
          alt: t('certificate.qrAlt', { serial: cert.serial }),
          width: String(side * 3),
          height: String(side * 3),
        }),
      );
    } catch (err) {
      replace(figure, notice('error', ...errorContent(err)));
    }
  };
  void load();
  return section(
    t('certificate.qr'),
    h('p', { class: 'hint' }, t('certificate.qrHint')),
    figure,
    h('p', {}, h('a', { href: cert.qrUrl, class: 'qr__link' }, cert.verificationUrl)),
  );
}

export default async function render(root, { may }) {
  const id = pathId(1);
  const flash = h('div', { class: 'slot', tabindex: '-1', 'aria-live': 'polite' });
  const draw = async (message) => {
    const cert = await get(`/api/v1/certificates/${id}`);
    const [holder, course] = await Promise.all([
      get(`/api/v1/trainees/${cert.traineeId}`).catch(() => null),
      get(`/api/v1/courses/${cert.courseId}`).catch(() => null),
    ]);
    const actionSlot = h('div', { class: 'slot' });
    replace(flash, message || []);
    root.append(
      heading(`${t('page.certificate')} ${cert.serial}`),
      flash,
      h(
        'div',
        { class: 'card' },
        facts([
          [
            t('field.status'),
            [
              badge('certStatus', cert.status),
              cert.statusReason ? ` ${label('reason', cert.statusReason)}` : '',
            ],
          ],
          [t('certificate.note'), cert.statusNote],
          [
            t('field.holder'),
            holder ? link(personName(holder), `/app/trainees/${holder.id}`) : null,
          ],
          [t('field.course'), course ? `${course.code} · ${course.title}` : null],
          [t('cert.issuedAt'), day(cert.issuedAt)],
          [t('cert.validUntil'), validUntil(cert.validUntil)],
          [
            t('certificate.statusChangedAt'),
            cert.statusChangedAt ? dateTime(cert.statusChangedAt) : null,
          ],
          [
            t('certificate.session'),
            cert.sessionId
              ? link(t('certificate.openSession'), `/app/sessions/${cert.sessionId}`)
              : null,
          ],
          [
            t('certificate.supersededBy'),
            cert.supersededById
              ? link(t('certificate.openNew'), `/app/certificates/${cert.supersededById}`)
              : null,
          ],
          [
            t('certificate.verificationUrl'),
            h('a', { href: cert.verificationUrl }, cert.verificationUrl),
          ],
        ]),
        h('div', { class: 'actions' }, pdfButton(cert, actionSlot), shareButton(cert, actionSlot)),
        actionSlot,
      ),
    );
    if (cert.qrUrl) root.append(qrSection(cert));
    if (cert.allowedActions.length) root.append(statusForm(cert, redraw));
    root.append(credentialSection(cert));
    if (may('audit.read')) {
      const history = h('div');
      root.append(
        section(
          t('certificate.history'),
          h('p', { class: 'hint' }, t('certificate.historyHint')),
          history,
        ),
      );
      await pagedList(
        history,
        (cursor) =>
          get('/api/v1/audit-events', {
            entityType: 'certificate',
            entityId: cert.id,
            order: 'asc',
            cursor,
            limit: 50,
          }),
        (items) => eventsTable(items, { showEntity: false }),
        t('audit.empty'),
      );
    }
  };
  const redraw = async (message) => {
    replace(root);
    await draw(message);
    flash.focus();
  };
  await draw();
}
