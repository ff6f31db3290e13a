import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { pathsForDroppedFiles } from '../api/bridge';
import { useQueue } from '../stores/queueStore';
import { usePending } from '../stores/pendingStore';
import { enqueueDrop } from '../stores/dropEnqueue';
import { usePresets } from '../stores/presetsStore';
import { useSettings } from '../stores/settingsStore';
import { useUi } from '../stores/uiStore';

/** The whole window accepts dropped files and folders; the button and the file input do the same without a mouse drag. */
export function DropZone() {
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const depth = useRef(0);

  const add = async (files: File[]) => {
    if (files.length === 0) return;
    setBusy(true);
    try {
      const paths = await pathsForDroppedFiles(files);
      if (paths.length > 0) {
        useUi.getState().setView('queue');
        const ui = useUi.getState();
        const preset = usePresets.getState().presets.find((p) => p.id === ui.preset);
        if (useSettings.getState().settings?.onDrop === 'review') usePending.getState().add(paths, { target: ui.target, preset });
        else await enqueueDrop(paths, { target: ui.target, preset, onConflict: ui.onConflict });
      }
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    useUi.setState({ pickFiles: () => input.current?.click() });
    return () => useUi.setState({ pickFiles: null });
  }, []);

  // Listening from the moment the window shows: a drop right after it opens is not lost.
  useLayoutEffect(() => {
    const enter = (e: DragEvent) => {
      e.preventDefault();
      depth.current++;
      setDragging(true);
    };
    const over = (e: DragEvent) => e.preventDefault();
    const leave = () => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      void add([...(e.dataTransfer?.files ?? [])]);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const noJobs = useQueue((s) => s.order.length === 0);
  const noPending = usePending((s) => s.rows.length === 0);
  const queueEmpty = noJobs && noPending;
  const onQueue = useUi((s) => s.view === 'queue');
  return (
    <>
      {/* On an empty queue the drop target carries the one Add files button. */}
      {!(queueEmpty && onQueue) && (
        <button type="button" className="primary" onClick={() => input.current?.click()} disabled={busy}>
          {busy ? 'Adding…' : 'Add files…'}
        </button>
      )}
      <input ref={input} type="file" multiple hidden data-testid="file-input" onChange={(e) => void add([...(e.target.files ?? [])]).then(() => { e.target.value = ''; })} />
      {dragging && (
        <div className="drop-overlay" role="status">
          <p>Drop videos, music or photos (or folders of them) to convert them</p>
        </div>
      )}
    </>
  );
}
