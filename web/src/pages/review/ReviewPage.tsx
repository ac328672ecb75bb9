// Placeholder: being written.
export default function ReviewPage(_props: Record<string, unknown>) {
  return <p>ReviewPage is being written.</p>;
}
