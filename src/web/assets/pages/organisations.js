import { all, patch, post } from '../api.js';
import { h, replace } from '../dom.js';
import { form } from '../forms.js';
import { label, t } from '../i18n.js';
import { changes, organisationFields } from '../admin-forms.js';
import { button, empty, heading, notice, section, table } from '../ui.js';

export default async function render(root, { may }) {
  const isAdmin = may('organisations.manage');
  const flash = h('div', { class: 'slot', tabindex: '-1', 'aria-live': 'polite' });
  const listBox = h('div');
  const editBox = h('div');
  root.append(heading(t('organisations.title')), flash);
  const draw = async () => {
    const orgs = (await all('/api/v1/organisations')).sort((a, b) => a.name.localeCompare(b.name));
    const edit = (o) => {
      replace(
        editBox,
        section(
          t('organisations.edit', { name: o.name }),
          form({
            fields: organisationFields(o),
            submitLabel: t('form.save'),
            onSubmit: (v) => patch(`/api/v1/organisations/${o.id}`, changes(o, v)),
            onDone: async () => {
              replace(editBox);
              replace(flash, notice('success', t('form.saved')));
              await draw();
              flash.focus();
            },
          }),
        ),
      );
      editBox.querySelector('input')?.focus();
    };
    replace(
      listBox,
      section(
        t('organisations.list'),
        orgs.length
          ? table(
              [
                { label: t('field.name'), cell: (o) => o.name },
                { label: t('field.country'), cell: (o) => o.country },
                { label: t('field.orgType'), cell: (o) => label('orgType', o.type) },
                isAdmin && {
                  label: t('field.actions'),
                  cell: (o) =>
                    button(t('form.edit'), () => edit(o), {
                      kind: 'secondary',
                      'aria-label': `${t('form.edit')}: ${o.name}`,
                    }),
                },
              ].filter(Boolean),
              orgs,
              { caption: t('organisations.list') },
            )
          : empty(t('organisations.empty')),
      ),
    );
  };
  await draw();
  root.append(editBox, listBox);
  if (isAdmin) {
    root.append(
      section(
        t('organisations.create'),
        form({
          fields: organisationFields(),
          submitLabel: t('organisations.createSubmit'),
          onSubmit: (v) => post('/api/v1/organisations', v),
          onDone: async (o, el) => {
            el.reset();
            replace(flash, notice('success', t('organisations.created', { name: o.name })));
            await draw();
            flash.focus();
          },
        }),
      ),
    );
  }
}
