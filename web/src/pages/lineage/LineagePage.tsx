// Placeholder: being written.
export default function LineagePage(_props: Record<string, unknown>) {
  return <p>LineagePage is being written.</p>;
}
