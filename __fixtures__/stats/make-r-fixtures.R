# Reference values from R for src/stats (Hodges-Lehmann intervals, paired t-test, Holm).
#
# How this fixture was recorded (from the repository root, after make-fixtures.py):
#   Rscript __fixtures__/stats/make-r-fixtures.R
#   npx prettier --write __fixtures__/stats/r-reference.json
# with R 4.2.2 (Debian r-base-core 4.2.2) and jsonlite 1.8.4 (r-cran-jsonlite), reading
# the data sets of __fixtures__/stats/scipy-reference.json and writing
# __fixtures__/stats/r-reference.json. Numbers are written with 17 significant digits.
#
# - unpaired: wilcox.test(log(y), log(x), conf.int = TRUE, exact = TRUE) for the tie-free
#   sets (R's exact interval: qwilcox critical value, estimate median(diffs)), i.e. the
#   shift of log(y) relative to log(x).
# - paired: t.test(log(head), log(base), paired = TRUE).
# - holm: p.adjust(p, "holm"), NA kept.
suppressMessages(library(jsonlite))
ref <- fromJSON("__fixtures__/stats/scipy-reference.json", simplifyVector = TRUE)

num <- function(x) {
  if (is.na(x)) return("null")
  if (is.infinite(x)) stop("infinite value")
  sprintf("%.17g", x)
}
obj <- function(fields) {
  paste0("{", paste(sprintf('"%s": %s', names(fields), unlist(fields)), collapse = ", "), "}")
}

unpaired <- c()
for (i in seq_len(nrow(ref$unpaired))) {
  set <- ref$unpaired[i, ]
  if (set$ties) next
  x <- unlist(set$x)
  y <- unlist(set$y)
  test <- suppressWarnings(wilcox.test(log(y), log(x), conf.int = TRUE, conf.level = 0.95,
                                       exact = TRUE))
  unpaired <- c(unpaired, obj(list(
    name = sprintf('"%s"', set$name),
    estimate = num(unname(test$estimate)),
    ciLow = num(test$conf.int[1]),
    ciHigh = num(test$conf.int[2]),
    pValue = num(test$p.value)
  )))
}

paired <- c()
for (i in seq_len(nrow(ref$paired))) {
  set <- ref$paired[i, ]
  base <- unlist(set$base)
  head <- unlist(set$head)
  test <- t.test(log(head), log(base), paired = TRUE)
  paired <- c(paired, obj(list(
    name = sprintf('"%s"', set$name),
    t = num(unname(test$statistic)),
    pValue = num(test$p.value),
    ciLow = num(exp(test$conf.int[1])),
    ciHigh = num(exp(test$conf.int[2]))
  )))
}

holm_input <- c(0.01, 0.04, 0.03, NA, 0.005, 0.5, 0.04, 1, 0)
holm <- obj(list(
  p = paste0("[", paste(sapply(holm_input, num), collapse = ", "), "]"),
  adjusted = paste0("[", paste(sapply(p.adjust(holm_input, "holm"), num), collapse = ", "), "]")
))

recorded <- obj(list(
  command = '"Rscript __fixtures__/stats/make-r-fixtures.R"',
  R = sprintf('"%s"', paste(R.version$major, R.version$minor, sep = ".")),
  jsonlite = sprintf('"%s"', as.character(packageVersion("jsonlite")))
))

writeLines(c(
  "{",
  paste0(' "recorded": ', recorded, ","),
  ' "unpaired": [', paste0("  ", unpaired, collapse = ",\n"), " ],",
  ' "paired": [', paste0("  ", paired, collapse = ",\n"), " ],",
  paste0(' "holm": ', holm),
  "}"
), "__fixtures__/stats/r-reference.json")
