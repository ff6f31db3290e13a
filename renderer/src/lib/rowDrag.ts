import type { PointerEvent as ReactPointerEvent } from 'react';

/** Where a dragged queued row is dropped: before or after another queued row. */
export type DropPlace = { before: number } | { after: number };

/** The queued row under the pointer (not the dragged one), and whether the pointer is in its upper half. */
function placeAt(x: number, y: number, dragged: number): { row: HTMLElement; place: DropPlace } | null {
  const row = document.elementsFromPoint(x, y).map((el) => el.closest<HTMLElement>('[data-job-id]')).find((el) => el !== null);
  if (!row || !row.classList.contains('status-queued')) return null;
  const id = Number(row.dataset['jobId']);
  if (id === dragged) return null;
  const box = row.getBoundingClientRect();
  return { row, place: y < box.top + box.height / 2 ? { before: id } : { after: id } };
}

/**
 * Starts a pointer drag of a queued row from its handle: the row under the pointer shows where it will go
 * (a line above or below it), and releasing there calls `onDrop`. Keyboard users have the move buttons.
 */
export function startRowDrag(event: ReactPointerEvent<HTMLElement>, dragged: number, onDrop: (place: DropPlace) => void): void {
  if (event.button !== 0) return;
  event.preventDefault();
  const handle = event.currentTarget;
  handle.setPointerCapture(event.pointerId);
  const source = handle.closest<HTMLElement>('[data-job-id]');
  source?.setAttribute('data-dragging', 'true');
  let marked: HTMLElement | null = null;
  let place: DropPlace | null = null;
  const mark = (next: { row: HTMLElement; place: DropPlace } | null) => {
    if (marked && marked !== next?.row) marked.removeAttribute('data-drop');
    marked = next?.row ?? null;
    place = next?.place ?? null;
    marked?.setAttribute('data-drop', next && 'before' in next.place ? 'before' : 'after');
  };
  const move = (e: PointerEvent) => mark(placeAt(e.clientX, e.clientY, dragged));
  const end = (e: PointerEvent) => {
    handle.removeEventListener('pointermove', move);
    handle.removeEventListener('pointerup', end);
    handle.removeEventListener('pointercancel', end);
    source?.removeAttribute('data-dragging');
    const dropped = e.type === 'pointerup' ? place : null;
    mark(null);
    if (dropped) onDrop(dropped);
  };
  handle.addEventListener('pointermove', move);
  handle.addEventListener('pointerup', end);
  handle.addEventListener('pointercancel', end);
}
