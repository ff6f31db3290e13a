import { useEffect, useState, type FormEvent } from 'react';
import { call } from '../api/bridge';
import { nameTemplateFormProblem } from '../lib/optionsForm';
import { useAppFacts } from '../stores/factsStore';
import { useSettings, type Feedback } from '../stores/settingsStore';

/** The output name template of the window's conversions, saved on its own; empty keeps the input's name. */
export function NameTemplateSetting() {
  const facts = useAppFacts();
  const saved = useSettings((s) => s.settings?.nameTemplate ?? null);
  const [text, setText] = useState(saved ?? '');
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  useEffect(() => setText(saved ?? ''), [saved]);
  const placeholders = facts.options.nameTemplate.placeholders.map((p) => `{${p}}`).join(', ');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = nameTemplateFormProblem(text, facts.options);
    if (problem) return setFeedback({ ok: false, text: problem });
    void call('settings:set', { nameTemplate: text === '' ? null : text }).then(
      (next) => {
        useSettings.getState().replace(next);
        setFeedback({ ok: true, text: 'Saved.' });
      },
      (error: unknown) => setFeedback({ ok: false, text: (error as Error).message }),
    );
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Output file names">
      <fieldset>
        <legend>Output file names</legend>
        <label>File name template <input type="text" value={text} placeholder="{name} (the input's name)" aria-invalid={feedback?.ok === false || undefined} aria-describedby="name-template-hint" onChange={(e) => setText(e.target.value)} /></label>
        <p id="name-template-hint" className="hint">Uses {placeholders}; the extension is added. Empty: the input's name, with “-converted” when the output would take the original's own name.</p>
        <div className="toolbar">
          <button type="submit">Save file names</button>
          <span role="status" data-testid="name-template-status" className={feedback ? (feedback.ok ? 'status-ok' : 'status-bad') : undefined}>{feedback?.text}</span>
        </div>
      </fieldset>
    </form>
  );
}
