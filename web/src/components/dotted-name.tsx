// A dotted catalog name (`analytics.marts.customer_orders`) that wraps after its dots
// in a narrow space rather than inside a word.
export function DottedName({ name }: { name: string }) {
  const parts = name.split(".");
  return (
    <>
      {parts.map((p, i) => (
        <span key={i}>
          {p}
          {i < parts.length - 1 && (
            <>
              .<wbr />
            </>
          )}
        </span>
      ))}
    </>
  );
}
