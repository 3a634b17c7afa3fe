// A virtualised list over rows fetched page by page: only the visible rows (plus a few) are in the DOM and
// only their pages are fetched, so 50,000 results scroll as fast as 50.
import { useEffect, useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';

export interface VirtualRowsProps<Row> {
  total: number | null;
  row: (i: number) => Row | undefined;
  ensure: (from: number, to: number) => void;
  render: (row: Row, i: number) => ReactNode;
  header?: ReactNode;
  rowHeight?: number;
  height?: number | string;
  /** Keyboard selection: the row to keep in view. */
  selected?: number;
  className?: string;
  empty?: ReactNode;
  label: string;
}

export function VirtualRows<Row>({
  total,
  row,
  ensure,
  render,
  header,
  rowHeight = 36,
  height = 560,
  selected,
  className = '',
  empty,
  label,
}: VirtualRowsProps<Row>) {
  const scroller = useRef<HTMLDivElement>(null);
  const count = total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (count > 0) ensure(first, last);
  }, [first, last, count, ensure]);
  useEffect(() => {
    if (selected !== undefined && selected >= 0 && selected < count) virtualizer.scrollToIndex(selected, { align: 'auto' });
  }, [selected, count, virtualizer]);
  return (
    <div className={`vtable ${className}`} role="table" aria-label={label} aria-rowcount={count}>
      {header}
      <div ref={scroller} className="vtable-scroll" style={{ height }} data-testid="vtable-scroll">
        {total === 0 && <div className="vtable-empty muted">{empty ?? 'No rows'}</div>}
        <div className="vtable-inner" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const r = row(item.index);
            return (
              <div
                key={item.key}
                className={`vrow ${item.index === selected ? 'vrow-selected' : ''} ${item.index % 2 ? 'vrow-odd' : ''}`}
                style={{ height: rowHeight, transform: `translateY(${item.start}px)` }}
                role="row"
                aria-rowindex={item.index + 1}
              >
                {r === undefined ? <div className="vrow-loading muted">…</div> : render(r, item.index)}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
