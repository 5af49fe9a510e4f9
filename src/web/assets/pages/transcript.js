import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { renderTranscript } from '../certs.js';
import { heading, link, notice } from '../ui.js';

export default async function render(root, { user }) {
  root.append(heading(t('transcript.title')));
  if (!user.traineeId) {
    root.append(notice('info', t('home.noTraineeRecord')));
    return;
  }
  const body = h('div');
  root.append(body);
  const draw = async () => {
    const transcript = await get(`/api/v1/trainees/${user.traineeId}/transcript`);
    replace(
      body,
      h('p', { class: 'lead' }, `${transcript.trainee.givenName} ${transcript.trainee.familyName}`),
      ...renderTranscript(transcript, { canWithdraw: true, onChanged: draw }),
      h(
        'p',
        {},
        link(t('transcript.findCourse'), '/app/catalogue', {}, { class: 'btn btn--secondary' }),
      ),
    );
  };
  await draw();
}
