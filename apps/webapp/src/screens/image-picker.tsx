import { newKey } from '../api';
import { useSession } from '../context';

/** A chosen image: its preview at once, its upload id once POST /media/upload answers. */
export interface Picked {
  key: string;
  preview: string;
  id?: string;
}

export function ImagePicker({ label, max, images, onChange }: { label: string; max: number; images: Picked[]; onChange: (images: Picked[]) => void }) {
  const { api, t } = useSession();

  function add(files: FileList | null) {
    const chosen = Array.from(files ?? []).slice(0, max - images.length);
    let current = [...images, ...chosen.map((file) => ({ key: newKey(), preview: URL.createObjectURL(file) }))];
    onChange(current);
    chosen.forEach((file, i) => {
      const key = current[images.length + i].key;
      void api.upload(file).then(
        ({ id }) => {
          current = current.map((image) => (image.key === key ? { ...image, id } : image));
          onChange(current);
        },
        () => {
          current = current.filter((image) => image.key !== key);
          onChange(current);
        },
      );
    });
  }

  return (
    <div class="field">
      <span>{label}</span>
      <div class="thumbs">
        {images.map((image) => (
          <figure key={image.key} class={image.id ? 'thumb' : 'thumb uploading'}>
            <img src={image.preview} alt="" />
            <button type="button" class="link" onClick={() => onChange(images.filter((other) => other.key !== image.key))}>
              {t('create.remove')}
            </button>
          </figure>
        ))}
        {images.length < max && (
          <label class="add">
            {t('create.addImage')}
            <input type="file" accept="image/*" multiple={max > 1} onChange={(e) => add(e.currentTarget.files)} />
          </label>
        )}
      </div>
    </div>
  );
}
