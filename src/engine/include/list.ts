// linux/list.h, intrusive and index-linked: entry i's links are next[i], prev[i]. Pages are
// indices 0..n-1; list heads (the free_area free lists) are indices past the pages. The
// add-head/add-tail discipline decides which block the next allocation returns.

export interface Links {
  next: Int32Array;
  prev: Int32Array;
}

export function INIT_LIST_HEAD(l: Links, head: number): void {
  l.next[head] = head;
  l.prev[head] = head;
}

/** list_add: insert `entry` right after `head` (memlist_add_head). */
export function list_add(l: Links, entry: number, head: number): void {
  const next = l.next[head];
  l.prev[next] = entry;
  l.next[entry] = next;
  l.prev[entry] = head;
  l.next[head] = entry;
}

/** list_add_tail: insert `entry` right before `head` (memlist_add_tail). */
export function list_add_tail(l: Links, entry: number, head: number): void {
  const prev = l.prev[head];
  l.next[prev] = entry;
  l.prev[entry] = prev;
  l.next[entry] = head;
  l.prev[head] = entry;
}

/** list_del: unlink `entry`; 2.4.0 leaves its own links as they were. */
export function list_del(l: Links, entry: number): void {
  const next = l.next[entry];
  const prev = l.prev[entry];
  l.prev[next] = prev;
  l.next[prev] = next;
}

export function list_empty(l: Links, head: number): boolean {
  return l.next[head] === head;
}
