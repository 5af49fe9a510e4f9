/* global navigator, window */
import { download, get, post } from './api.js';
import { h, replace, uid } from './dom.js';
import { day, label, t } from './i18n.js';
import {
  badge,
  button,
  copy,
  courseName,
  empty,
  errorContent,
  link,
  notice,
  section,
  table,
} from './ui.js';
import { AWAITING_SESSION } from './vocabulary.js';

/** Download the PDF: the route needs the token, so it is fetched and saved from a blob. */
export function pdfButton(cert, slot) {
  return button(
    t('cert.pdf'),
    async () => {
      try {
        await download(
          `/api/v1/certificates/${cert.id}/pdf`,
          'application/pdf',
          `${cert.serial}.pdf`,
        );
      } catch (err) {
        replace(slot, notice('error', ...errorContent(err)));
      }
    },
    { kind: 'secondary', 'aria-label': `${t('cert.pdf')} ${cert.serial}` },
  );
}

/** The public verification link, to copy or share: anyone can check it without an account. */
export function shareButton(cert, slot) {
  return button(
    t('cert.share'),
    async () => {
      let url = `${window.location.origin}/verify/${encodeURIComponent(cert.serial)}`;
      try {
        url = (await get(`/api/v1/certificates/${cert.id}`)).verificationUrl || url;
      } catch {
        // The link is the same whoever builds it; the page's own origin will do.
      }
      const id = uid('share');
      const input = h('input', {
        id,
        type: 'text',
        readonly: true,
        value: url,
        class: 'share__url',
      });
      const status = h('span', { class: 'share__status', role: 'status' });
      const copyBtn = button(
        t('cert.copy'),
        async () => {
          const ok = await copy(url, input);
          status.textContent = ok ? t('cert.copied') : t('cert.copyManually');
        },
        { kind: 'secondary' },
      );
      const shareBtn =
        typeof navigator.share === 'function'
          ? button(
              t('cert.shareVia'),
              () => navigator.share({ title: cert.serial, url }).catch(() => undefined),
              { kind: 'secondary' },
            )
          : null;
      replace(
        slot,
        h(
          'div',
          { class: 'share' },
          h('label', { for: id }, t('cert.shareLabel', { serial: cert.serial })),
          h('div', { class: 'share__row' }, input, copyBtn, shareBtn),
          h(
            'p',
            { class: 'hint' },
            t('cert.shareHint'),
            ' ',
            h('a', { href: url, target: '_blank', rel: 'noopener' }, t('cert.openPublic')),
          ),
          status,
        ),
      );
      input.focus();
      input.select();
    },
    { kind: 'secondary', 'aria-label': `${t('cert.share')} ${cert.serial}` },
  );
}

export function validUntil(value) {
  return value ? day(value) : t('cert.neverExpires');
}

/** A trainee's certificates and enrolments, with downloads and (for the trainee) withdrawal. */
export function renderTranscript(transcript, { canWithdraw, onChanged }) {
  const certSlot = h('div', { class: 'slot' });
  const certificates = transcript.certificates.length
    ? table(
        [
          { label: t('cert.serial'), cell: (c) => h('span', { class: 'mono' }, c.serial) },
          {
            label: t('field.course'),
            // The transcript answers the title in the page's language too (issue 17).
            cell: (c) => `${c.courseCode} · ${c.localizedCourseTitle ?? c.courseTitle}`,
          },
          { label: t('cert.issuedAt'), cell: (c) => day(c.issuedAt) },
          { label: t('cert.validUntil'), cell: (c) => validUntil(c.validUntil) },
          {
            label: t('field.status'),
            cell: (c) => [
              badge('certStatus', c.status),
              c.statusReason && h('div', { class: 'small' }, label('reason', c.statusReason)),
            ],
          },
          {
            label: t('field.actions'),
            cell: (c) =>
              h(
                'div',
                { class: 'actions' },
                pdfButton(c, certSlot),
                shareButton(c, certSlot),
                link(t('cert.details'), `/app/certificates/${c.id}`),
              ),
          },
        ],
        transcript.certificates,
        { caption: t('transcript.certificates') },
      )
    : empty(t('transcript.noCertificates'));

  const enrolSlot = h('div', { class: 'slot' });
  const withdraw = (e) =>
    button(
      t('enrol.withdraw'),
      async () => {
        if (!window.confirm(t('enrol.withdrawConfirm', { course: e.course.code }))) return;
        try {
          await post(`/api/v1/enrolments/${e.enrolmentId}/withdraw`);
          replace(enrolSlot, notice('success', t('enrol.withdrawn')));
          await onChanged?.();
        } catch (err) {
          replace(enrolSlot, notice('error', ...errorContent(err)));
        }
      },
      { kind: 'danger', 'aria-label': `${t('enrol.withdraw')} ${e.course.code} ${e.startsOn}` },
    );
  const enrolments = transcript.enrolments.length
    ? table(
        [
          {
            label: t('field.course'),
            cell: (e) => link(courseName(e.course), `/app/sessions/${e.sessionId}`),
          },
          { label: t('field.dates'), cell: (e) => `${e.startsOn} – ${e.endsOn}` },
          {
            label: t('field.status'),
            cell: (e) => [
              badge('enrolStatus', e.status),
              e.status === 'waitlisted' && e.waitlistPosition
                ? h('div', { class: 'small' }, t('enrol.position', { n: e.waitlistPosition }))
                : null,
            ],
          },
          {
            label: t('field.attendance'),
            cell: (e) => (e.attendancePercent === null ? '—' : `${e.attendancePercent}%`),
          },
          {
            label: t('field.scores'),
            cell: (e) => (e.theoryScore === null ? '—' : `${e.theoryScore} / ${e.practicalScore}`),
          },
          {
            label: t('field.actions'),
            // A dash as in the other empty cells: on a phone each cell is a labelled line, and an
            // empty one left "Actions" hanging over nothing.
            cell: (e) => (canWithdraw && AWAITING_SESSION.includes(e.status) ? withdraw(e) : '—'),
          },
        ],
        transcript.enrolments,
        { caption: t('transcript.enrolments') },
      )
    : empty(t('transcript.noEnrolments'));

  return [
    section(t('transcript.certificates'), certSlot, certificates),
    section(t('transcript.enrolments'), enrolSlot, enrolments),
  ];
}
