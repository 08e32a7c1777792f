// A virtualized thumbnail grid: only the rows on screen (plus a margin) exist in the DOM,
// and results are fetched a page at a time for the rows that are about to show.

import { el } from "./dom.js";

const GAP = 8;
const CAPTION = 34;
const OVERSCAN_ROWS = 2;
export const SIZES = { small: 120, medium: 180, large: 280 };

export class VirtualGrid {
  // fetchPage(offset, limit) -> Promise<results[]>; renderCard(card, asset, index) fills a card.
  constructor(scroller, { pageSize, fetchPage, renderCard, onOpen, onClickCard }) {
    this.scroller = scroller;
    this.pageSize = pageSize;
    this.fetchPage = fetchPage;
    this.renderCard = renderCard;
    this.onOpen = onOpen;
    this.onClickCard = onClickCard;
    this.spacer = el("div", { className: "grid-spacer" });
    scroller.replaceChildren(this.spacer);
    this.cards = new Map(); // index -> card element
    this.pages = new Map(); // page number -> results[] (or a pending Promise)
    this.total = 0;
    this.size = SIZES.medium;
    this.focus = -1;
    this.generation = 0;
    this.requests = 0; // search requests made since the last reset (measured by the tests)
    scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(scroller);
  }

  reset(total, firstResults) {
    this.generation += 1;
    this.total = total;
    this.pages = new Map([[0, firstResults]]);
    this.requests = 1;
    for (const card of this.cards.values()) card.remove();
    this.cards.clear();
    this.focus = total ? Math.min(Math.max(this.focus, 0), total - 1) : -1;
    this.scroller.scrollTop = 0;
    this.render();
  }

  setSize(name) {
    this.size = SIZES[name] || SIZES.medium;
    this.scroller.style.setProperty("--card", this.size + "px");
    for (const card of this.cards.values()) card.remove();
    this.cards.clear();
    this.render();
  }

  get columns() {
    return Math.max(1, Math.floor((this.scroller.clientWidth - GAP) / (this.size + GAP)));
  }

  get rowHeight() {
    return this.size + CAPTION + GAP;
  }

  get cellWidth() {
    // Cards stretch to share the row's width.
    return (this.scroller.clientWidth - GAP) / this.columns - GAP;
  }

  asset(index) {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return Array.isArray(page) ? page[index % this.pageSize] : undefined;
  }

  loaded() {
    const all = [];
    for (const [number, page] of this.pages) {
      if (Array.isArray(page)) page.forEach((a, i) => all.push([number * this.pageSize + i, a]));
    }
    return all;
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = null; this.render(); });
  }

  visibleRange() {
    const cols = this.columns;
    const rows = Math.ceil(this.total / cols);
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / this.rowHeight) - OVERSCAN_ROWS);
    const last = Math.min(rows, Math.ceil((this.scroller.scrollTop + this.scroller.clientHeight) / this.rowHeight) + OVERSCAN_ROWS);
    return [first * cols, Math.min(this.total, last * cols)];
  }

  render() {
    const cols = this.columns;
    this.spacer.style.height = Math.ceil(this.total / cols) * this.rowHeight + "px";
    const [start, end] = this.visibleRange();
    for (const [index, card] of this.cards) {
      if (index < start || index >= end) { card.remove(); this.cards.delete(index); }
    }
    const width = this.cellWidth;
    for (let index = start; index < end; index++) {
      let card = this.cards.get(index);
      const asset = this.asset(index);
      if (!card) {
        card = el("figure", { className: "card", id: `card-${index}`, role: "gridcell",
          dataset: { index: String(index) } });
        card.addEventListener("click", (event) => this.onClickCard(index, event));
        card.addEventListener("dblclick", () => this.onOpen(index));
        this.cards.set(index, card);
        this.spacer.append(card);
        card.filled = null;
      }
      card.style.transform = `translate(${GAP + (index % cols) * (width + GAP)}px, ${GAP + Math.floor(index / cols) * this.rowHeight}px)`;
      card.style.width = width + "px";
      card.classList.toggle("focused", index === this.focus);
      if (asset && card.filled !== asset) { card.filled = asset; this.renderCard(card, asset, index); }
      if (!asset) card.classList.add("placeholder");
    }
    this.scroller.setAttribute("aria-activedescendant", this.focus >= 0 ? `card-${this.focus}` : "");
    this.loadPages(start, end);
  }

  loadPages(start, end) {
    if (!this.total) return;
    const firstPage = Math.floor(start / this.pageSize);
    const lastPage = Math.floor(Math.max(start, end - 1) / this.pageSize);
    const generation = this.generation;
    for (let number = firstPage; number <= lastPage; number++) {
      if (this.pages.has(number)) continue;
      this.requests += 1;
      const pending = this.fetchPage(number * this.pageSize, this.pageSize).then((results) => {
        if (generation !== this.generation) return;
        this.pages.set(number, results);
        this.dropFarPages(number);
        this.render();
      }, (err) => {
        if (generation === this.generation) this.pages.delete(number);
        throw err;
      });
      this.pages.set(number, pending);
    }
  }

  // Keep the pages near the screen; the memory of 100,000 results is not needed.
  dropFarPages(near) {
    for (const number of [...this.pages.keys()]) {
      if (Math.abs(number - near) > 6 && Array.isArray(this.pages.get(number))) this.pages.delete(number);
    }
  }

  // Replace one asset's data everywhere it is loaded (after a rating or tag change).
  update(asset) {
    for (const [index, a] of this.loaded()) {
      if (a.content_hash !== asset.content_hash) continue;
      const page = this.pages.get(Math.floor(index / this.pageSize));
      page[index % this.pageSize] = asset;
      const card = this.cards.get(index);
      if (card) { card.filled = asset; this.renderCard(card, asset, index); }
    }
  }

  refreshCards() {
    for (const [index, card] of this.cards) {
      const asset = this.asset(index);
      if (asset) this.renderCard(card, asset, index);
    }
  }

  setFocus(index) {
    if (!this.total) return;
    this.focus = Math.max(0, Math.min(this.total - 1, index));
    const row = Math.floor(this.focus / this.columns);
    const top = row * this.rowHeight;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + this.rowHeight > this.scroller.scrollTop + this.scroller.clientHeight) {
      this.scroller.scrollTop = top + this.rowHeight - this.scroller.clientHeight;
    }
    this.render();
  }

  move(dx, dy) {
    this.setFocus((this.focus < 0 ? 0 : this.focus) + dx + dy * this.columns);
  }
}
