import type { FolderPurpose } from '../../../preload/contract';
import { call, hasNativeFolderDialog } from '../api/bridge';

/** "Choose…" beside a folder field: the system's folder picker in the desktop app, nothing in the browser. */
export function FolderPickButton({ purpose, label, onPicked }: { purpose: FolderPurpose; label: string; onPicked: (folder: string) => void }) {
  if (!hasNativeFolderDialog()) return null;
  const pick = () => {
    void call('dialog:chooseFolder', { purpose }).then(({ path }) => path !== null && onPicked(path), () => undefined);
  };
  return <button type="button" onClick={pick} aria-label={label}>Choose…</button>;
}
