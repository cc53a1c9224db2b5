import { forwardRef, useRef } from "react";

/** A plain textarea with a line-number gutter that scrolls with it (line numbers are what issues cite). */
export const TextEditor = forwardRef<
  HTMLTextAreaElement,
  { value: string; onChange: (text: string) => void; errorLines: Set<number> }
>(function TextEditor({ value, onChange, errorLines }, ref) {
  const gutter = useRef<HTMLDivElement>(null);
  const lines = value.split("\n").length;
  return (
    <div className="text-editor">
      <div className="gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: line numbers are positions
          <div key={i} className={errorLines.has(i + 1) ? "gutter-line error-line" : "gutter-line"}>
            {i + 1}
          </div>
        ))}
      </div>
      <textarea
        ref={ref}
        aria-label="Scenario text (YAML)"
        spellCheck={false}
        value={value}
        wrap="off"
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
      />
    </div>
  );
});
