/**
 * Typed events over the platform EventTarget, in the manner of js-libp2p's TypedEventEmitter:
 * listeners get CustomEvent<Detail> with the detail type checked per event name.
 */
export class TypedEventTarget<Events extends object> extends EventTarget {
  addListener<K extends keyof Events & string>(
    type: K,
    listener: (detail: Events[K]) => void,
    options?: { once?: boolean; signal?: AbortSignal },
  ): () => void {
    const wrapped = (evt: Event): void => listener((evt as CustomEvent<Events[K]>).detail)
    this.addEventListener(type, wrapped, options)
    return () => this.removeEventListener(type, wrapped)
  }

  /** Dispatches; a throwing listener is reported but never breaks the emitter's own work. */
  emit<K extends keyof Events & string>(type: K, detail: Events[K]): void {
    try {
      this.dispatchEvent(new CustomEvent(type, { detail }))
    } catch (err) {
      queueMicrotask(() => {
        throw err
      })
    }
  }

  /** Resolves with the next event of this type that matches, or rejects on abort. */
  once<K extends keyof Events & string>(
    type: K,
    options: { signal?: AbortSignal; filter?: (detail: Events[K]) => boolean } = {},
  ): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        off()
        reject(options.signal?.reason)
      }
      const off = this.addListener(type, (detail) => {
        if (options.filter !== undefined && !options.filter(detail)) return
        off()
        options.signal?.removeEventListener('abort', onAbort)
        resolve(detail)
      })
      if (options.signal?.aborted) onAbort()
      else options.signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}
