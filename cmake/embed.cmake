# purser_embed(OUT_VAR SYMBOL FILE): generates a .cpp defining
#   extern const std::string_view SYMBOL;  (in namespace purser::embedded)
# holding FILE's bytes, and appends the generated path to OUT_VAR.
function(purser_embed out_var symbol file)
  set(gen "${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cpp")
  add_custom_command(
    OUTPUT "${gen}"
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${gen} -DSYMBOL=${symbol}
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake"
    DEPENDS "${file}" "${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake"
    VERBATIM)
  set(${out_var} ${${out_var}} "${gen}" PARENT_SCOPE)
endfunction()
