// Imports perfgate but registers nothing.
import 'perfgate'
