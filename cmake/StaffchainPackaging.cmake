# Installation into the standard places, and a Debian package (cpack -G DEB).
# The unit runs /usr/bin/staffchaind --config /etc/staffchain/staffchain.toml, so the
# configuration goes to /etc whatever the prefix (a prefix other than /usr is for trials).
install(FILES ${PROJECT_SOURCE_DIR}/config/staffchain.system.toml DESTINATION /etc/staffchain RENAME staffchain.toml)
install(DIRECTORY DESTINATION /etc/staffchain/conf.d)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/staffchaind.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/staffchain.sysusers.conf DESTINATION lib/sysusers.d RENAME staffchain.conf)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/staffchain.tmpfiles.conf DESTINATION lib/tmpfiles.d RENAME staffchain.conf)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/config/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "staffchain")
set(CPACK_PACKAGE_VENDOR "staffchain")
set(CPACK_PACKAGE_CONTACT "staffchain maintainers <staffchain@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "staffing chain monitor: no blind spot between establishment, organisation, HR and payroll")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# tzdata: [daemon] timezone reads the system zone database. fonts-noto-cjk: the daemon draws the
# inspection notice and the tenure report in the Noto CJK faces and embeds them (without them it
# refuses to draw one and says why).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, tzdata, fonts-noto-cjk")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/debian/postinst;${PROJECT_SOURCE_DIR}/packaging/debian/prerm;${PROJECT_SOURCE_DIR}/packaging/debian/postrm;${PROJECT_SOURCE_DIR}/packaging/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
