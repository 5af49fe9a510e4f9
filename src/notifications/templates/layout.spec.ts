import { describe, expect, it } from '@jest/globals';
import { escapeHtml, oneLine, renderMessage } from './layout.js';

const CENTER = 'Mine Action Center of Excellence';

describe('renderMessage', () => {
  it('escapes every value in the HTML and keeps the text readable', () => {
    const m = renderMessage(
      {
        subject: 'Certificate <b>issued</b>',
        greetingName: 'Aysel <script>alert(1)</script>',
        paragraphs: ['Course "EOD & <i>Clearance</i>"', 'Line one\nline two'],
        facts: [['Venue', '<img src=x onerror=alert(1)>']],
        action: { label: 'Open <it>', url: 'https://coe.example/verify/A?x=1&y=2' },
        notes: ["It's <yours>"],
      },
      'en',
      CENTER,
    );
    expect(m.html).not.toMatch(/<script|<img|<i>|<b>|<it>|<yours>/);
    expect(m.html).toContain('Aysel &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.html).toContain('Course &quot;EOD &amp; &lt;i&gt;Clearance&lt;/i&gt;&quot;');
    expect(m.html).toContain('Line one<br>line two');
    expect(m.html).toContain('href="https://coe.example/verify/A?x=1&amp;y=2"');
    expect(m.html).toContain('It&#39;s &lt;yours&gt;');
    expect(m.html).toContain('<html lang="en">');
    expect(m.html).toContain(CENTER);
    // The text is plain: nothing escaped, every value there as given.
    expect(m.text).toContain('Hello Aysel <script>alert(1)</script>,');
    expect(m.text).toContain('Venue: <img src=x onerror=alert(1)>');
    expect(m.text).toContain('Open <it>:\nhttps://coe.example/verify/A?x=1&y=2');
    expect(m.text).toContain(`-- \n${CENTER}`);
    expect(m.subject).toBe('Certificate <b>issued</b>');
  });

  it('puts a subject and a greeting on one line whatever they hold', () => {
    const m = renderMessage(
      {
        subject: 'Reset\r\nBcc: victim@evil.test',
        greetingName: 'Eve\r\nX-Injected: yes',
        paragraphs: ['Hi'],
      },
      'en',
      CENTER,
    );
    expect(m.subject).toBe('Reset Bcc: victim@evil.test');
    expect(m.text.split('\n')[0]).toBe('Hello Eve X-Injected: yes,');
  });

  it('drops an action whose link is not a plain web link', () => {
    for (const url of ['javascript:alert(1)', 'https://x.test/" onclick="alert(1)']) {
      const m = renderMessage(
        { subject: 'S', paragraphs: ['P'], action: { label: 'Click', url } },
        'en',
        CENTER,
      );
      expect(m.html).not.toMatch(/javascript:|onclick|Click/);
      expect(m.text).not.toMatch(/javascript:|onclick|Click/);
    }
  });

  it('greets and signs in the message language', () => {
    const content = { subject: 'S', greetingName: 'Leyla', paragraphs: ['P'] };
    expect(renderMessage(content, 'az', CENTER).text).toMatch(/^Hörmətli Leyla,/);
    expect(renderMessage(content, 'ru', CENTER).text).toMatch(/^Здравствуйте, Leyla!/);
    expect(renderMessage({ ...content, greetingName: null }, 'ru', CENTER).text).toMatch(
      /^Здравствуйте!/,
    );
    expect(renderMessage(content, 'ru', CENTER).html).toContain('<html lang="ru">');
    expect(renderMessage(content, 'az', CENTER).text).toContain('avtomatik göndərilib');
  });
});

describe('escapeHtml and oneLine', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('turns control characters and line separators into single spaces', () => {
    expect(oneLine('a\r\n\tb\u2028c\u0000d  e ')).toBe('a b c d e');
  });
});
