// What every view is: an element to mount and a way to stop everything it started.
export interface View {
  el: HTMLElement;
  destroy(): void;
}
