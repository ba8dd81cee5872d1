// The items the configuration lexer emits (nats-server conf/lex.go itemType and item).

export enum ItemType {
  Error = "Error",
  NIL = "NIL",
  EOF = "EOF",
  Key = "Key",
  Text = "Text",
  String = "String",
  Bool = "Bool",
  Integer = "Integer",
  Float = "Float",
  Datetime = "Datetime",
  ArrayStart = "ArrayStart",
  ArrayEnd = "ArrayEnd",
  MapStart = "MapStart",
  MapEnd = "MapEnd",
  CommentStart = "CommentStart",
  Variable = "Variable",
  Include = "Include",
}

/** One lexed item. `pos` is the column as the reference computes it (see emit()). */
export interface Item {
  typ: ItemType;
  val: string;
  line: number;
  pos: number;
}

/** The end of input, as a "rune" (the reference uses rune 0). */
export const EOF = "";
