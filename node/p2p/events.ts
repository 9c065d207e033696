/**
 * A typed EventTarget (the shape of libp2p's TypedEventEmitter from main-event, which loopnet
 * does not depend on directly).
 */

type Listener<T> = ((evt: CustomEvent<T>) => void) | { handleEvent(evt: CustomEvent<T>): void }
type NativeListener = Parameters<EventTarget['addEventListener']>[1]
type AddOptions = Parameters<EventTarget['addEventListener']>[2]
type RemoveOptions = Parameters<EventTarget['removeEventListener']>[2]

export class TypedEventEmitter<M extends object> extends EventTarget {
  override addEventListener<K extends keyof M & string>(
    type: K,
    listener: Listener<M[K]> | null,
    options?: AddOptions,
  ): void {
    super.addEventListener(type, listener as NativeListener, options)
  }

  override removeEventListener<K extends keyof M & string>(
    type: K,
    listener: Listener<M[K]> | null,
    options?: RemoveOptions,
  ): void {
    super.removeEventListener(type, listener as NativeListener, options)
  }

  /** Dispatches a CustomEvent carrying `detail`. */
  safeDispatch<K extends keyof M & string>(type: K, detail: M[K]): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}
