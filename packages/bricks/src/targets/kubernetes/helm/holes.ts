// Turns rendered objects into Helm templates: chosen fields are replaced by placeholder
// strings before the object is written as YAML, and each placeholder then by its template
// expression. Literal `{{` in the data is escaped so Helm prints it as is.

const marker = /(['"]?)@@BRICKS(\d+)@@\1/g;
const blockLine = /^(\s*)([^\s#][^:]*):\s+(['"]?)@@BRICKS(\d+)@@\3$/;

export class Holes {
  private readonly holes: Array<{ readonly block: boolean; readonly expr: string }> = [];

  /** A map (labels, selectors): `key:` followed by the expression's output indented below it. */
  block(expr: string): string {
    this.holes.push({ block: true, expr });
    return `@@BRICKS${this.holes.length - 1}@@`;
  }

  /** A single value. */
  scalar(expr: string): string {
    this.holes.push({ block: false, expr });
    return `@@BRICKS${this.holes.length - 1}@@`;
  }

  fill(yamlText: string): string {
    const escaped = yamlText.replaceAll('{{', '{{ "{{" }}');
    return escaped
      .split('\n')
      .map((line) => {
        const m = blockLine.exec(line);
        const hole = m ? this.holes[Number(m[4])] : undefined;
        if (m && hole?.block) {
          const indent = m[1] ?? '';
          return `${indent}${m[2]}:\n${indent}  {{- ${hole.expr} | nindent ${indent.length + 2} }}`;
        }
        return line.replace(marker, (_all, _q, id: string) => {
          const h = this.holes[Number(id)];
          if (!h || h.block) throw new Error(`placeholder ${id} is not a scalar here`);
          return `{{ ${h.expr} }}`;
        });
      })
      .join('\n');
  }
}
