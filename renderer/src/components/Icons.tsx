import type { JobView, MediaKindView } from '../../../preload/contract';
import { kindOfTarget, kindTitle } from '../lib/facts';
import { useAppFacts } from '../stores/factsStore';

export type Kind = MediaKindView;

const PATHS: Record<Kind | 'drop', string> = {
  video: 'M4 6h11a1 1 0 0 1 1 1v2.5l4-2.5v10l-4-2.5V17a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1z',
  audio: 'M9 18V6l10-2v12M9 18a3 3 0 1 1-6 0 3 3 0 0 1 6 0zm10-2a3 3 0 1 1-6 0 3 3 0 0 1 6 0z',
  image: 'M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm0 11 5-5 4 4 3-3 4 4M15.5 9.5a1 1 0 1 0 0-.01',
  drop: 'M12 3v12m0 0-4.5-4.5M12 15l4.5-4.5M4 15v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4',
};


/** A line icon; `label` makes it announced, otherwise it is decoration. */
export function Icon({ name, label, className }: { name: Kind | 'drop'; label?: string; className?: string }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" className={className} {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })}>
      <path d={PATHS[name]} />
    </svg>
  );
}

/** The three kind icons once per page; each queue row only points at one (cheaper to render while scrolling). */
export function KindSymbols() {
  const { kinds } = useAppFacts();
  return (
    <svg aria-hidden="true" style={{ position: 'absolute', width: 0, height: 0 }}>
      {kinds.map((kind) => (
        <symbol key={kind} id={`kind-${kind}`} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round">
          <path d={PATHS[kind]} />
        </symbol>
      ))}
    </svg>
  );
}

/** What a job makes: its target format's kind (a video turned into MP3 is shown as music). */
export function KindIcon({ target }: { target: JobView['target'] }) {
  const kind = kindOfTarget(useAppFacts(), target);
  if (!kind) return null;
  return (
    <svg className="kind-icon" role="img" aria-label={kindTitle(kind)}>
      <use href={`#kind-${kind}`} />
    </svg>
  );
}
