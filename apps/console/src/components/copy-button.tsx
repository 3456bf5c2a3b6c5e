import { useState } from 'react';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <>
      <button type="button" className="button-secondary" onClick={copy}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {copied === 'yes' ? 'Copied.' : copied === 'failed' ? 'Copying was refused by the browser: select the text and copy it.' : ''}
      </span>
    </>
  );
}
