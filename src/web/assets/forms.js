/* global Node, window */
import { h, replace, uid } from './dom.js';
import { t } from './i18n.js';
import { button, errorContent, notice } from './ui.js';

/**
 * Form fields with a visible label, an optional hint and an error slot wired with
 * aria-describedby, so an error is read out with its field. spec:
 * {name, label, type: text|email|password|number|date|select|textarea|checkbox|checkboxes,
 *  value, required, options: [[value, text]], hint, min, max, step, maxlength, autocomplete}
 */
export function field(spec) {
  const id = uid(spec.name.replace(/\W/g, ''));
  const hintId = spec.hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  const common = {
    id,
    name: spec.name,
    required: spec.required || false,
    'aria-describedby': describedBy,
    autocomplete: spec.autocomplete,
  };
  let control;
  if (spec.type === 'select') {
    control = h(
      'select',
      common,
      (spec.options || []).map(([value, text]) =>
        h('option', { value, selected: String(spec.value ?? '') === String(value) }, text),
      ),
    );
  } else if (spec.type === 'textarea') {
    control = h(
      'textarea',
      { ...common, rows: spec.rows || 3, maxlength: spec.maxlength },
      spec.value ?? '',
    );
  } else if (spec.type === 'checkbox') {
    control = h('input', { ...common, type: 'checkbox', checked: !!spec.value });
    return h(
      'div',
      { class: 'field field--check', dataset: { field: spec.name } },
      h('div', { class: 'check' }, control, h('label', { for: id }, spec.label)),
      spec.hint && h('p', { class: 'hint', id: hintId }, spec.hint),
      h('p', { class: 'field-error', id: errorId }),
    );
  } else if (spec.type === 'checkboxes') {
    const chosen = new Set(spec.value || []);
    return h(
      'fieldset',
      {
        class: 'field',
        dataset: { field: spec.name, kind: 'checkboxes' },
        'aria-describedby': describedBy,
      },
      h('legend', {}, spec.label),
      h(
        'div',
        { class: 'checks' },
        (spec.options || []).map(([value, text]) => {
          const boxId = uid(spec.name);
          return h(
            'div',
            { class: 'check' },
            h('input', {
              type: 'checkbox',
              id: boxId,
              name: spec.name,
              value,
              checked: chosen.has(value),
            }),
            h('label', { for: boxId }, text),
          );
        }),
      ),
      spec.hint && h('p', { class: 'hint', id: hintId }, spec.hint),
      h('p', { class: 'field-error', id: errorId }),
    );
  } else {
    control = h('input', {
      ...common,
      type: spec.type || 'text',
      value: spec.value ?? '',
      min: spec.min,
      max: spec.max,
      step: spec.step,
      maxlength: spec.maxlength,
      minlength: spec.minlength,
      pattern: spec.pattern,
      placeholder: spec.placeholder,
      inputmode: spec.inputmode,
      spellcheck: spec.spellcheck,
      autocapitalize: spec.autocapitalize,
    });
  }
  return h(
    'div',
    { class: 'field', dataset: { field: spec.name } },
    h(
      'label',
      { for: id },
      spec.label,
      spec.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
    ),
    spec.hint && h('p', { class: 'hint', id: hintId }, spec.hint),
    control,
    h('p', { class: 'field-error', id: errorId }),
  );
}

/** Reads a field's value as the API wants it: numbers as numbers, empty optional as null. */
function valueOf(form, spec) {
  if (spec.type === 'checkboxes') {
    return [...form.querySelectorAll(`input[name="${spec.name}"]:checked`)].map((i) => i.value);
  }
  const el = form.elements.namedItem(spec.name);
  if (!el) return undefined;
  if (spec.type === 'checkbox') return el.checked;
  const raw = el.value.trim();
  if (raw === '') return spec.emptyAs === undefined ? undefined : spec.emptyAs;
  if (spec.type === 'number') return Number(raw);
  if (spec.parse) return spec.parse(raw);
  return raw;
}

function fieldBox(form, name) {
  return [...form.querySelectorAll('[data-field]')].find((el) => el.dataset.field === name);
}

export function clearErrors(form) {
  for (const box of form.querySelectorAll('[data-field]')) {
    box.classList.remove('field--invalid');
    const msg = box.querySelector('.field-error');
    if (msg) msg.textContent = '';
    for (const c of box.querySelectorAll('input,select,textarea'))
      c.removeAttribute('aria-invalid');
  }
}

/** Puts each message next to its field; answers false when a message has no field. */
export function showFieldError(form, name, message) {
  const box = fieldBox(form, name.split('.')[0]);
  if (!box) return false;
  box.classList.add('field--invalid');
  const msg = box.querySelector('.field-error');
  msg.textContent = msg.textContent ? `${msg.textContent} ${message}` : message;
  for (const c of box.querySelectorAll('input,select,textarea'))
    c.setAttribute('aria-invalid', 'true');
  return true;
}

function focusFirstInvalid(form) {
  const first = form.querySelector('[aria-invalid="true"]');
  first?.focus();
}

/** The browser's own checks (required, type, range), in the page's language. */
function checkLocally(form, specs) {
  let ok = true;
  for (const spec of specs) {
    if (spec.type === 'checkboxes') {
      if (spec.required && valueOf(form, spec).length === 0) {
        showFieldError(form, spec.name, t('form.required'));
        ok = false;
      }
      continue;
    }
    const el = form.elements.namedItem(spec.name);
    if (!el || !el.validity || el.validity.valid) continue;
    const v = el.validity;
    let message = t('form.invalid');
    if (v.valueMissing) message = t('form.required');
    else if (v.typeMismatch && spec.type === 'email') message = t('form.email');
    else if (v.rangeUnderflow) message = t('form.min', { min: spec.min });
    else if (v.rangeOverflow) message = t('form.max', { max: spec.max });
    else if (v.tooShort) message = t('form.minLength', { min: spec.minlength });
    else if (v.badInput || v.stepMismatch) message = t('form.number');
    showFieldError(form, spec.name, message);
    ok = false;
  }
  return ok;
}

/**
 * A form that validates, sends, and shows the API's answer: 400 details.fields next to their
 * fields, any other refusal above the button. onSubmit(values) returns a promise; onDone(result)
 * runs after success (e.g. to redraw). Enter submits, as in any form. confirm(values), if
 * given, returns the question to ask before an irreversible or costly change (or null).
 */
export function form({ fields, submitLabel, onSubmit, onDone, extra, className, confirm }) {
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const submit = button(submitLabel, null, { type: 'submit' });
  const el = h(
    'form',
    { novalidate: true, class: ['form', className] },
    fields.map((f) => (f instanceof Node ? f : field(f))),
    extra,
    status,
    h('div', { class: 'form-actions' }, submit),
  );
  const specs = fields.filter((f) => !(f instanceof Node));
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    clearErrors(el);
    replace(status);
    if (!checkLocally(el, specs)) {
      replace(status, notice('error', t('form.fixErrors')));
      focusFirstInvalid(el);
      return;
    }
    const values = {};
    for (const spec of specs) {
      const v = valueOf(el, spec);
      if (v !== undefined) values[spec.name] = v;
    }
    const question = confirm?.(values);
    if (question && !window.confirm(question)) return;
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    try {
      const result = await onSubmit(values, el);
      if (onDone) await onDone(result, el, status);
    } catch (err) {
      showApiError(el, status, err);
    } finally {
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
    }
  });
  return el;
}

/** Maps a refusal onto the form: field problems beside their fields, the rest in the status slot. */
export function showApiError(formEl, status, err) {
  const problems = Array.isArray(err?.details?.fields) ? err.details.fields : [];
  let placed = 0;
  for (const p of problems) {
    if (showFieldError(formEl, String(p.field), (p.messages || []).join(' '))) placed += 1;
  }
  if (err?.code === 'REFERENCE_NOT_FOUND' && err.details?.field) {
    if (showFieldError(formEl, String(err.details.field), t('error.REFERENCE_NOT_FOUND')))
      placed += 1;
  }
  if (placed > 0 && placed === problems.length + (err?.code === 'REFERENCE_NOT_FOUND' ? 1 : 0)) {
    replace(status, notice('error', t('form.fixErrors')));
  } else {
    replace(status, notice('error', ...errorContent(err)));
  }
  if (placed > 0) focusFirstInvalid(formEl);
}
